// Apply is total: for generated controller states (topologies, nodes down, offline, draining and
// removed, running operations, an offline cluster) and generated commands of every type, with
// valid and hostile fields, applyCommand never throws, never changes its input, gives the same
// outcome twice, refuses by changing nothing but the applied index (and one events-log line),
// and leaves a state that survives its snapshot encoding. ApplyError, the net under it all, is
// never needed: every refusal comes from a check.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultControllerWiring } from '../node/controller-wiring';
import { allDrives, allVns, buildNodeSpec, buildTopology, type ClusterTopology } from '../topology/topology';
import { applyCommand, type ApplyOutcome, type Placement } from './apply';
import type { ControllerCommand } from './commands';
import { nextMigrationChanges } from './migration-driver';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, runningOperation, type ControllerState } from './state';
import { CLUSTER_SLICES_MAX, CONTAINERS_MAX } from './validate-command';

const placement = defaultControllerWiring(100).placement;
/** Runs per property; each applies up to ~25 commands, every one of them checked. */
const RUNS = Number(process.env['APPLY_TOTAL_RUNS'] ?? 150);

const HOSTILE: readonly unknown[] = [
  Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, 1.5, 2 ** 53, 65_536 * 1_024, 1e308, -0,
  '', ' ', 'x'.repeat(5_000), '__proto__', 'constructor', 'toString', 'node-1\u0000', '💥', null, true, [], {}, [1, 2], { a: 1 },
];
const hostileArb = fc.constantFrom(...HOSTILE);

/** A field: usually a value that makes sense in the state, sometimes a hostile one. */
function pick(choice: number, valid: readonly unknown[], hostileValue: unknown): unknown {
  if (valid.length === 0 || choice % 5 === 4) return hostileValue;
  return valid[choice % valid.length];
}

interface Draw {
  readonly kind: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly hostile: unknown;
  readonly hostile2: unknown;
  readonly hostileCommon: boolean;
}

const drawArb: fc.Arbitrary<Draw> = fc.record({
  kind: fc.nat({ max: 25 }), a: fc.nat({ max: 1_000 }), b: fc.nat({ max: 1_000 }), c: fc.nat({ max: 1_000 }),
  hostile: hostileArb, hostile2: hostileArb, hostileCommon: fc.boolean(),
});

const SLICE_COUNTS: readonly unknown[] = [64, 128, 256, 100, 63, 0, -64, 65_536 * 2, 1_024.5, Number.NaN, '256', 131_072, 65_536];

/** Builds one command for `state` from a draw; undefined when the draw picks a compound step. */
function commandFor(state: ControllerState, draw: Draw, time: number): unknown {
  const { a, b, c } = draw;
  const common = draw.hostileCommon && c % 7 === 0 ? { actor: draw.hostile2, timeMs: draw.hostile } : { actor: 'prop', timeMs: 1_700_000_000_000 + time };
  const nodeIds = state.topology.nodes.map((n) => n.id);
  const containers = Object.keys(state.containers);
  const drives = allDrives(state.topology).map((d) => d.id);
  const vns = allVns(state.topology).map((v) => v.id);
  const ops = state.operations.map((op) => op.id);
  const reason = pick(b, ['test', 'r'.repeat(200)], draw.hostile2);
  const node = pick(a, [...nodeIds, 'node-99'], draw.hostile);
  switch (draw.kind) {
    case 0: return { ...common, type: 'bootstrap', clusterId: pick(a, ['c1'], draw.hostile), name: 'again', topology: state.topology, settings: DEFAULT_SETTINGS, containers: [] };
    case 1:
    case 2: return {
      ...common, type: 'container.create', name: pick(a, [`c${a}`, ...containers, 'Bad Name'], draw.hostile),
      sliceCount: b % 40 === 0 ? 65_536 : SLICE_COUNTS[b % (SLICE_COUNTS.length - 1)], seedHex: pick(c, ['0123456789abcdef', 'ABCDEF0123456789', '12'], draw.hostile2),
    };
    case 3: return { ...common, type: 'container.delete', name: pick(a, [...containers, 'missing'], draw.hostile) };
    case 4: {
      const keys = ['autoOnlineTimeoutSeconds', 'heartbeatIntervalMs', 'failureDetectionTimeoutMs', 'degradedWritePolicy', 'rebuildThrottleMBps', 'unknownSetting'];
      const values: unknown[] = [5, 100, 1000, 'refuse', 'accept', 0, draw.hostile];
      const changes = b % 9 === 0 ? draw.hostile2 : { [keys[a % keys.length]!]: values[c % values.length] };
      return { ...common, type: 'settings.set', changes };
    }
    case 5: return { ...common, type: 'node.down', nodeId: node, reason };
    case 6: return { ...common, type: 'node.up', nodeId: node, reason };
    case 7: return { ...common, type: 'node.offline', nodeId: node, reason };
    case 8: return { ...common, type: 'node.online', nodeId: node, reason };
    case 9: return { ...common, type: c % 2 === 0 ? 'cluster.offline' : 'cluster.online', reason };
    case 10: return { ...common, type: 'cluster.auto-online.failed', reason };
    case 11:
    case 12: {
      // A slice change near a real one: current or stale epoch, roles shuffled among real VNs.
      const name = containers[a % Math.max(1, containers.length)];
      const container = name === undefined ? undefined : state.containers[name];
      if (container === undefined || b % 11 === 0) return { ...common, type: 'slices.reconfigure', changes: b % 2 === 0 ? draw.hostile : [draw.hostile] };
      const slice = b % container.sliceCount;
      const entry = container.slices[slice]!;
      const vn = (k: number): string => vns[k % vns.length]!;
      const primary = c % 3 === 0 ? entry.primary : c % 3 === 1 ? entry.secondary : vn(c);
      const secondary = c % 4 === 0 ? '' : c % 4 === 1 ? entry.primary : vn(a + c);
      const inSync = c % 5 === 0 ? [primary] : [primary, secondary].filter((x) => x !== '');
      return {
        ...common, type: 'slices.reconfigure', changes: [{
          container: pick(a, [name], draw.hostile), slice: c % 13 === 0 ? draw.hostile2 : slice, expectedEpoch: entry.epoch + (c % 6 === 0 ? 1 : 0),
          primary, secondary, inSync, ...(c % 7 === 0 ? { learner: vn(b) } : {}), reason: 're-protection complete',
        }],
      };
    }
    case 13:
    case 14: {
      const used = new Set([...nodeIds, ...state.operations.flatMap((op) => op.nodes)]);
      let next = nodeIds.length + 1;
      while (used.has(`node-${next}`)) next++;
      const spec = buildNodeSpec(c % 6 === 0 ? (nodeIds[0] ?? 'node-1') : `node-${next}`, { vnsPerNode: 1 + (a % 3), drivesPerNode: 1 + (b % 2), driveCapacityBytes: 1e12 });
      const nodes = b % 8 === 0 ? draw.hostile : b % 8 === 1 ? [{ ...spec, vns: draw.hostile2 }] : [spec];
      return { ...common, type: 'scale-out.start', nodes };
    }
    case 15:
    case 16: return { ...common, type: 'decommission.start', nodeId: node };
    case 17: return { ...common, type: 'rebalance.start', reason };
    case 18: return { ...common, type: 'operation.cancel', operationId: pick(a, [...ops, 'op-0'], draw.hostile), reason };
    case 19: return { ...common, type: 'operation.finish', operationId: pick(a, [...ops, 'op-0'], draw.hostile), reason };
    case 20: return { ...common, type: 'drive.fail', driveId: pick(a, [...drives, 'node-1/drive-99'], draw.hostile), reason };
    case 21: return { ...common, type: 'drive.replace', driveId: pick(a, [...drives, 'node-1/drive-99'], draw.hostile), reason };
    case 22: return a % 3 === 0 ? draw.hostile : { ...common, type: a % 3 === 1 ? 'container.resize' : draw.hostile2 };
    default: return undefined; // 23..25: the migration driver's next step (operations move on and finish)
  }
}

/** What the leader's operation runner and the primaries would propose next for a running operation. */
function migrationStep(state: ControllerState, time: number): ControllerCommand[] {
  const op = runningOperation(state);
  if (op === undefined) return [];
  const base = { actor: 'system', timeMs: 1_700_000_000_000 + time };
  const decision = nextMigrationChanges(state, op, () => true);
  if (decision.complete) return [{ ...base, type: 'operation.finish', operationId: op.id, reason: 'every slice reached its target' }];
  const copies = [];
  for (const [name, container] of Object.entries(state.containers)) {
    for (const [slice, entry] of container.slices.entries()) {
      if (entry.learner === undefined || entry.inSync.includes(entry.learner)) continue;
      copies.push({ container: name, slice, expectedEpoch: entry.epoch, primary: entry.primary, secondary: entry.secondary, inSync: [...entry.inSync, entry.learner], learner: entry.learner, reason: 'migration: copy complete' });
    }
  }
  const out: ControllerCommand[] = [];
  if (decision.changes.length > 0) out.push({ ...base, type: 'slices.reconfigure', changes: decision.changes });
  if (copies.length > 0) out.push({ ...base, type: 'slices.reconfigure', changes: copies });
  return out;
}

/** What the generated runs reached, printed at the end: a generator that stops reaching states tests nothing. */
const seen = new Map<string, number>();
const count = (key: string): void => { seen.set(key, (seen.get(key) ?? 0) + 1); };
process.on('exit', () => console.log(`apply-total coverage: ${[...seen].sort().map(([k, n]) => `${k}=${n}`).join(' ')}`));

function recordCoverage(state: ControllerState, outcome: ApplyOutcome): void {
  count(outcome.result.ok ? 'ok' : `refused:${outcome.result.code}`);
  for (const nodeState of new Set(Object.values(state.nodeStates))) count(`state:node-${nodeState}`);
  if (state.operations.some((op) => op.kind === 'decommission' && op.state === 'done')) count('state:node-removed');
  if (runningOperation(state) !== undefined) count(`state:running-${runningOperation(state)?.kind}`);
  if (state.availability === 'offline') count('state:cluster-offline');
  if (Object.values(state.drives).some((d) => d.state === 'failed')) count('state:drive-failed');
}

function withoutIndexAndEvents(state: ControllerState): object {
  const { appliedIndex: _index, events: _events, ...rest } = state;
  return rest;
}

/** Applies one command and checks every property of a total apply; returns the outcome. */
function checkedApply(state: ControllerState, command: unknown, index: number, using: Placement = placement): ApplyOutcome {
  const before = structuredClone(state);
  let outcome: ApplyOutcome;
  try {
    outcome = applyCommand(state, command as ControllerCommand, index, using);
  } catch (error) {
    assert.fail(`apply threw on ${(JSON.stringify(command) as string | undefined ?? String(command)).slice(0, 300)}: ${String(error)}`);
  }
  assert.deepStrictEqual(state, before, 'apply changed its input state');
  assert.deepStrictEqual(applyCommand(state, command as ControllerCommand, index, using), outcome, 'apply is not deterministic');
  assert.equal(outcome.state.appliedIndex, index);
  const result = outcome.result;
  if (!result.ok) {
    assert.notEqual(result.code, 'ApplyError', `apply needed its last line of defence: ${result.message}`);
    assert.ok(result.message.length > 0, `${result.code} without a message`);
    if (result.code !== 'PartlyApplied') {
      assert.deepStrictEqual(withoutIndexAndEvents(outcome.state), withoutIndexAndEvents(state), `${result.code} changed the state`);
      const added = outcome.state.events.slice(state.events.length);
      assert.deepStrictEqual(outcome.state.events.slice(0, state.events.length), state.events);
      assert.ok(added.length <= 1 && added.every((e) => e.code === 'command.rejected'), `a ${result.code} rejection added events ${JSON.stringify(added)}`);
    }
  }
  recordCoverage(state, outcome);
  // A snapshot is the state's JSON: a state that does not survive it would differ after a restart.
  assert.deepStrictEqual(JSON.parse(JSON.stringify(outcome.state)) as unknown, outcome.state, 'the state does not survive its snapshot encoding');
  return outcome;
}

const topologyArb = fc.record({ nodeCount: fc.integer({ min: 3, max: 6 }), vnsPerNode: fc.integer({ min: 1, max: 4 }), drivesPerNode: fc.integer({ min: 1, max: 2 }) })
  .map((shape) => buildTopology({ ...shape, driveCapacityBytes: 1e12 }));

function bootstrapCommand(topology: ClusterTopology, sliceCounts: readonly number[]): ControllerCommand {
  return {
    type: 'bootstrap', actor: 'system', timeMs: 1_700_000_000_000, clusterId: 'cluster-1', name: 'prop', topology, settings: DEFAULT_SETTINGS,
    containers: sliceCounts.map((sliceCount, i) => ({ name: `b${i}`, sliceCount, seedHex: '0123456789abcdef' })),
  };
}

test('apply is total over generated states and commands of every type, valid and hostile', () => {
  fc.assert(fc.property(
    topologyArb, fc.array(fc.constantFrom(64, 128, 256), { maxLength: 2 }), fc.nat({ max: 9 }).map((n) => n > 0), fc.array(drawArb, { minLength: 1, maxLength: 20 }),
    (topology, sliceCounts, bootstrapped, draws) => {
      let state = emptyControllerState(DEFAULT_SETTINGS);
      let index = 0;
      if (bootstrapped) {
        state = checkedApply(state, bootstrapCommand(topology, sliceCounts), ++index).state;
        assert.equal(state.clusterId, 'cluster-1');
      }
      for (const [i, draw] of draws.entries()) {
        const command = commandFor(state, draw, i);
        const commands = command === undefined ? migrationStep(state, i) : [command];
        for (const c of commands) state = checkedApply(state, c, ++index).state;
      }
    }), { numRuns: RUNS, includeErrorInReport: true });
});

test('at CONTAINERS_MAX and near CLUSTER_SLICES_MAX, creation is refused with InsufficientCapacity and nothing else changes', () => {
  const topology = buildTopology({ nodeCount: 3, vnsPerNode: 2, drivesPerNode: 1, driveCapacityBytes: 1e12 });
  // A cheap placement: these states test the limits, not the maps.
  const cheap: Placement = {
    initial: (vns, sliceCount) => Array.from({ length: sliceCount }, (_, s) => ({ primary: vns[s % vns.length]!.id, secondary: vns[(s + 2) % vns.length]!.id })),
    rebalance: (_vns, map) => map,
  };
  let full = checkedApply(emptyControllerState(DEFAULT_SETTINGS), bootstrapCommand(topology, []), 1, cheap).state;
  for (let i = 0; i < CONTAINERS_MAX; i++) {
    full = applyCommand(full, { type: 'container.create', actor: 'a', timeMs: 0, name: `c${i}`, sliceCount: 64, seedHex: '0123456789abcdef' }, 2 + i, cheap).state;
  }
  assert.equal(Object.keys(full.containers).length, CONTAINERS_MAX);
  const refused = checkedApply(full, { type: 'container.create', actor: 'a', timeMs: 0, name: 'one-more', sliceCount: 64, seedHex: '0123456789abcdef' }, 10_000, cheap);
  assert.equal(refused.result.ok ? 'ok' : refused.result.code, 'InsufficientCapacity');

  let big = checkedApply(emptyControllerState(DEFAULT_SETTINGS), bootstrapCommand(topology, []), 1, cheap).state;
  for (let i = 0; i < CLUSTER_SLICES_MAX / 65_536; i++) {
    const outcome = applyCommand(big, { type: 'container.create', actor: 'a', timeMs: 0, name: `big${i}`, sliceCount: 65_536, seedHex: '0123456789abcdef' }, 2 + i, cheap);
    assert.ok(outcome.result.ok, JSON.stringify(outcome.result));
    big = outcome.state;
  }
  const over = applyCommand(big, { type: 'container.create', actor: 'a', timeMs: 0, name: 'small', sliceCount: 64, seedHex: '0123456789abcdef' }, 100, cheap);
  assert.equal(over.result.ok ? 'ok' : over.result.code, 'InsufficientCapacity');
  assert.match(over.result.ok ? '' : over.result.message, /^slices: .*CLUSTER_SLICES_MAX/);
  assert.deepStrictEqual(Object.keys(over.state.containers), Object.keys(big.containers));
});

test('an apply that throws is rejected as ApplyError with an error event, the same on every replica', () => {
  const topology = buildTopology({ nodeCount: 3, vnsPerNode: 2, drivesPerNode: 1, driveCapacityBytes: 1e12 });
  const broken: Placement = { initial: () => null as unknown as [], rebalance: (_vns, map) => map };
  const state = applyCommand(emptyControllerState(DEFAULT_SETTINGS), bootstrapCommand(topology, []), 1, placement).state;
  const command: ControllerCommand = { type: 'container.create', actor: 'a', timeMs: 5, name: 'x', sliceCount: 64, seedHex: '0123456789abcdef' };
  const outcome = applyCommand(state, command, 2, broken);
  assert.equal(outcome.result.ok ? 'ok' : outcome.result.code, 'ApplyError');
  assert.deepStrictEqual(applyCommand(state, command, 2, broken), outcome);
  const event = outcome.state.events.at(-1);
  assert.ok(event !== undefined);
  assert.equal(event.code, 'command.rejected');
  assert.equal(event.severity, 'error');
  assert.match(event.message, /^entry 2 \(container\.create\) rejected, ApplyError: apply failed with TypeError/);
  assert.deepStrictEqual(withoutIndexAndEvents(outcome.state), withoutIndexAndEvents(state));
});

test('a container.create committed after the nodes it needed went down is refused, with an events-log line (the finding of issue 16)', () => {
  const topology = buildTopology({ nodeCount: 3, vnsPerNode: 4, drivesPerNode: 4, driveCapacityBytes: 1e12 });
  let state = applyCommand(emptyControllerState(DEFAULT_SETTINGS), bootstrapCommand(topology, [64]), 1, placement).state;
  state = applyCommand(state, { type: 'node.down', actor: 'system', timeMs: 1, nodeId: 'node-2', reason: 'silent' }, 2, placement).state;
  state = applyCommand(state, { type: 'node.down', actor: 'system', timeMs: 1, nodeId: 'node-3', reason: 'silent' }, 3, placement).state;
  const outcome = checkedApply(state, { type: 'container.create', actor: 'api', timeMs: 2, name: 'big2', sliceCount: 65_536, seedHex: '0123456789abcdef' }, 4);
  assert.equal(outcome.result.ok ? 'ok' : outcome.result.code, 'NotEnoughNodes');
  assert.match(outcome.result.ok ? '' : outcome.result.message, /^nodes: .*at least 2 nodes/);
  assert.equal(outcome.state.events.at(-1)?.code, 'command.rejected');
});
