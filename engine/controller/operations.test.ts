// Long-running operations in the controller: scale-out, decommission, drive failure and
// replacement, cancel and finish; and the migration driver that moves slices step by step,
// each step checked by the same rules as any reconfiguration.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultControllerWiring } from '../node/controller-wiring';
import { metrics } from '../placement/index';
import { allVns, buildNodeSpec, buildTopology } from '../topology/topology';
import { applyCommand, roleCounts } from './apply';
import type { CommandResult, ControllerCommand } from './commands';
import { MIGRATION_COPIES_PER_NODE_MAX, nextMigrationChanges, remainingCopies } from './migration-driver';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, runningOperation, type ControllerState } from './state';
import { nextVoterStep } from './voter-plan';

const placement = defaultControllerWiring(100).placement;
const base = { actor: 'test', timeMs: 1_700_000_000_000 };
const topology = buildTopology({ nodeCount: 3, vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 });

class Controller {
  state: ControllerState = emptyControllerState(DEFAULT_SETTINGS);
  private index = 0;

  apply(command: ControllerCommand): CommandResult {
    const outcome = applyCommand(this.state, command, ++this.index, placement);
    this.state = outcome.state;
    return outcome.result;
  }

  /** What a primary does once it has copied a slice to its learner. */
  completeCopies(): void {
    const changes = [];
    for (const [name, container] of Object.entries(this.state.containers)) {
      for (const [slice, entry] of container.slices.entries()) {
        if (entry.learner === undefined || entry.inSync.includes(entry.learner)) continue;
        changes.push({ container: name, slice, expectedEpoch: entry.epoch, primary: entry.primary, secondary: entry.secondary, inSync: [...entry.inSync, entry.learner], learner: entry.learner, reason: 'migration: copy complete' });
      }
    }
    if (changes.length > 0) assert.deepEqual(this.apply({ ...base, type: 'slices.reconfigure', changes }), { ok: true });
  }

  /** Runs driver steps (and copies) until the operation can finish; returns the steps taken. */
  drive(limit = 1_000): number {
    for (let step = 0; step < limit; step++) {
      const op = runningOperation(this.state);
      if (op === undefined) return step;
      const decision = nextMigrationChanges(this.state, op, () => true);
      if (decision.complete) {
        assert.deepEqual(this.apply({ ...base, type: 'operation.finish', operationId: op.id, reason: 'done' }), { ok: true });
        return step;
      }
      if (decision.changes.length > 0) {
        const result = this.apply({ ...base, type: 'slices.reconfigure', changes: decision.changes });
        assert.deepEqual(result, { ok: true }, JSON.stringify(result));
      }
      this.completeCopies();
      this.checkInvariants();
    }
    assert.fail(`the operation did not finish within ${limit} steps`);
  }

  checkInvariants(): void {
    const nodeOf = new Map(allVns(this.state.topology).map((v) => [v.id, v.nodeId]));
    for (const container of Object.values(this.state.containers)) {
      for (const entry of container.slices) {
        assert.notEqual(nodeOf.get(entry.primary), nodeOf.get(entry.secondary), 'primary and secondary on one node');
        assert.ok(entry.inSync.includes(entry.primary), 'primary in sync');
        assert.ok(entry.inSync.length >= 2, `a planned move never drops a slice to one copy: ${JSON.stringify(entry)}`);
      }
    }
  }
}

function bootstrapped(sliceCount = 256): Controller {
  const c = new Controller();
  assert.deepEqual(c.apply({ ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: DEFAULT_SETTINGS, containers: [{ name: 'default', sliceCount, seedHex: '0123456789abcdef' }] }), { ok: true });
  return c;
}

test('scale-out adds the node, plans ideal moves and ends balanced with two copies throughout', () => {
  const c = bootstrapped();
  const node = buildNodeSpec('node-4', { vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 });
  assert.deepEqual(c.apply({ ...base, type: 'scale-out.start', nodes: [node] }), { ok: true });
  const op = runningOperation(c.state);
  assert.ok(op !== undefined);
  assert.equal(c.state.nodeStates['node-4'], 'up');
  assert.ok(op.plannedMoves <= Math.ceil(op.idealMoves * 1.1), `moves ${op.plannedMoves} vs ideal ${op.idealMoves}`);
  assert.equal(remainingCopies(c.state, op), op.plannedMoves);
  c.drive();
  const done = c.state.operations[c.state.operations.length - 1];
  assert.equal(done?.state, 'done');
  const container = c.state.containers['default'];
  assert.ok(container !== undefined);
  const m = metrics(allVns(c.state.topology), container.slices);
  assert.ok(m.primariesMax - m.primariesMin <= 1 && m.secondariesMax - m.secondariesMin <= 1, JSON.stringify(m));
  assert.equal(roleCounts(container).get('node-4/vn-0')?.primaries, 256 / 8);
  assert.ok(container.slices.every((s) => s.learner === undefined && s.inSync.length === 2));
  assert.deepEqual(c.state.events.filter((e) => e.code.startsWith('operation.') || e.code === 'node.added').map((e) => e.code), ['node.added', 'operation.started', 'operation.finished']);
});

test('the driver copies a bounded number of slices per source node at a time', () => {
  const c = bootstrapped(1024);
  c.apply({ ...base, type: 'scale-out.start', nodes: [buildNodeSpec('node-4', { vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 })] });
  const op = runningOperation(c.state);
  assert.ok(op !== undefined);
  const first = nextMigrationChanges(c.state, op, () => true);
  const perSource = new Map<string, number>();
  for (const change of first.changes) if (change.learner !== undefined) perSource.set(change.primary.split('/')[0] ?? '', (perSource.get(change.primary.split('/')[0] ?? '') ?? 0) + 1);
  assert.ok([...perSource.values()].every((n) => n <= MIGRATION_COPIES_PER_NODE_MAX), JSON.stringify([...perSource]));
  // A learner is never assigned on a node the leader does not hear.
  const deaf = nextMigrationChanges(c.state, op, (nodeId) => nodeId !== 'node-4');
  assert.equal(deaf.changes.filter((ch) => ch.learner?.startsWith('node-4/') === true).length, 0);
});

test('role switches refuse a learner that has not caught up, and a copy is added only by its unchanged primary', () => {
  const c = bootstrapped();
  c.apply({ ...base, type: 'scale-out.start', nodes: [buildNodeSpec('node-4', { vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 })] });
  const op = runningOperation(c.state);
  assert.ok(op !== undefined);
  c.apply({ ...base, type: 'slices.reconfigure', changes: nextMigrationChanges(c.state, op, () => true).changes });
  const [slice, entry] = [...(c.state.containers['default']?.slices.entries() ?? [])].find(([, e]) => e.learner !== undefined) ?? [];
  assert.ok(entry?.learner !== undefined && slice !== undefined);
  const early = c.apply({ ...base, type: 'slices.reconfigure', changes: [{ container: 'default', slice, expectedEpoch: entry.epoch, primary: entry.learner, secondary: entry.secondary, inSync: [entry.learner, entry.secondary], reason: 'too soon' }] });
  assert.equal(early.ok, false);
  const byOther = c.apply({ ...base, type: 'slices.reconfigure', changes: [{ container: 'default', slice, expectedEpoch: entry.epoch, primary: entry.secondary, secondary: entry.primary, inSync: [entry.secondary, entry.primary, entry.learner], learner: entry.learner, reason: 'not the primary' }] });
  assert.equal(byOther.ok, false);
});

test('a failover drops learners; cancel clears them and leaves every slice consistent', () => {
  const c = bootstrapped();
  c.apply({ ...base, type: 'scale-out.start', nodes: [buildNodeSpec('node-4', { vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 })] });
  const op = runningOperation(c.state);
  assert.ok(op !== undefined);
  c.apply({ ...base, type: 'slices.reconfigure', changes: nextMigrationChanges(c.state, op, () => true).changes });
  const learners = (): number => c.state.containers['default']?.slices.filter((s) => s.learner !== undefined).length ?? 0;
  assert.ok(learners() > 0);
  c.apply({ ...base, type: 'node.down', nodeId: 'node-4', reason: 'silent' });
  assert.equal(learners(), 0);
  c.apply({ ...base, type: 'node.up', nodeId: 'node-4', reason: 'back' });
  c.apply({ ...base, type: 'slices.reconfigure', changes: nextMigrationChanges(c.state, op, () => true).changes });
  assert.ok(learners() > 0);
  assert.deepEqual(c.apply({ ...base, type: 'operation.cancel', operationId: op.id, reason: 'changed my mind' }), { ok: true });
  assert.equal(learners(), 0);
  assert.equal(c.state.operations[c.state.operations.length - 1]?.state, 'cancelled');
  assert.equal(c.apply({ ...base, type: 'operation.cancel', operationId: op.id, reason: 'again' }).ok, false);
  assert.equal(c.apply({ ...base, type: 'operation.finish', operationId: 'op-999', reason: 'x' }).ok, false);
});

test('decommission drains a node, then removes it; a cluster never shrinks below three nodes', () => {
  const c = bootstrapped();
  assert.match((c.apply({ ...base, type: 'decommission.start', nodeId: 'node-3' }) as { message: string }).message, /at least 3 nodes/);
  c.apply({ ...base, type: 'scale-out.start', nodes: [buildNodeSpec('node-4', { vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 })] });
  assert.equal(c.apply({ ...base, type: 'decommission.start', nodeId: 'node-2' }).ok, false, 'one operation at a time');
  c.drive();
  assert.deepEqual(c.apply({ ...base, type: 'decommission.start', nodeId: 'node-2' }), { ok: true });
  assert.equal(c.state.nodeStates['node-2'], 'draining');
  // Moves are copies made: the drained node's roles, each re-made once (promotions are free).
  const drain = c.state.operations[c.state.operations.length - 1];
  const heldByNode2 = (c.state.containers['default']?.slices ?? []).reduce((n, s) => n + (s.primary.startsWith('node-2/') ? 1 : 0) + (s.secondary.startsWith('node-2/') ? 1 : 0), 0);
  assert.equal(drain?.idealMoves, heldByNode2);
  assert.ok(drain.plannedMoves <= Math.ceil(heldByNode2 * 1.1), `decommission moves ${drain.plannedMoves} vs ideal ${heldByNode2}`);
  c.drive();
  assert.equal(c.state.nodeStates['node-2'], undefined);
  assert.deepEqual(c.state.topology.nodes.map((n) => n.id), ['node-1', 'node-3', 'node-4']);
  for (const s of c.state.containers['default']?.slices ?? []) assert.ok(!s.primary.startsWith('node-2/') && !s.secondary.startsWith('node-2/'));
  assert.ok(c.state.events.some((e) => e.code === 'node.removed'));
});

test('a failed drive fails its VNs over; a replacement starts a rebalance that gives them their share back', () => {
  const c = bootstrapped();
  const drive = 'node-2/drive-1';
  assert.equal(c.apply({ ...base, type: 'drive.fail', driveId: 'node-9/drive-0', reason: 'x' }).ok, false);
  assert.deepEqual(c.apply({ ...base, type: 'drive.fail', driveId: drive, reason: 'I/O errors' }), { ok: true });
  const slices = c.state.containers['default']?.slices ?? [];
  assert.ok(slices.every((s) => s.primary !== 'node-2/vn-1' && s.secondary !== 'node-2/vn-1'));
  assert.ok(c.state.events.some((e) => e.code === 'drive.failed'));
  // Re-protection by the primaries (what the data plane does), then the replacement.
  c.apply({ ...base, type: 'slices.reconfigure', changes: slices.flatMap((s, slice) => (s.inSync.includes(s.secondary) ? [] : [{ container: 'default', slice, expectedEpoch: s.epoch, primary: s.primary, secondary: s.secondary, inSync: [s.primary, s.secondary], reason: 're-protection complete' }])) });
  assert.deepEqual(c.apply({ ...base, type: 'drive.replace', driveId: drive, reason: 'new drive' }), { ok: true });
  assert.equal(c.state.drives[drive]?.generation, 1);
  assert.equal(runningOperation(c.state)?.kind, 'rebalance');
  c.drive();
  const counts = roleCounts(c.state.containers['default']!);
  assert.ok((counts.get('node-2/vn-1')?.primaries ?? 0) >= 256 / 6 - 1);
});

test('a drive is not replaced while a slice still counts on its copy', () => {
  const c = bootstrapped();
  c.apply({ ...base, type: 'node.down', nodeId: 'node-1', reason: 'silent' });
  c.apply({ ...base, type: 'drive.fail', driveId: 'node-2/drive-0', reason: 'dead' });
  const result = c.apply({ ...base, type: 'drive.replace', driveId: 'node-2/drive-0', reason: 'swap' });
  assert.equal(result.ok, false);
  assert.match((result as { message: string }).message, /still count on their copy/);
});

test('voters: a drained voter is replaced before it is removed; the leader hands over before its own removal', () => {
  const c = bootstrapped();
  c.apply({ ...base, type: 'scale-out.start', nodes: [buildNodeSpec('node-4', { vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 })] });
  c.drive();
  const voters = ['node-1', 'node-2', 'node-3'];
  assert.equal(nextVoterStep(c.state, voters, 'node-1', () => true), null, 'four nodes keep three voters');
  c.apply({ ...base, type: 'decommission.start', nodeId: 'node-2' });
  assert.deepEqual(nextVoterStep(c.state, voters, 'node-1', () => true), { type: 'add-voter', nodeId: 'node-4' });
  assert.deepEqual(nextVoterStep(c.state, [...voters, 'node-4'], 'node-1', () => true), { type: 'remove-voter', nodeId: 'node-2' });
  assert.deepEqual(nextVoterStep(c.state, [...voters, 'node-4'], 'node-2', () => true), { type: 'transfer-leadership', to: 'node-1' });
  assert.equal(nextVoterStep(c.state, voters, 'node-1', (id) => id !== 'node-4'), null, 'a silent node is not made a voter');
});
