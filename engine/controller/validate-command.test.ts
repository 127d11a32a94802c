import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeRuntime } from '../runtime/runtime';
import { defaultControllerWiring } from '../node/controller-wiring';
import { buildTopology } from '../topology/topology';
import { applyCommand } from './apply';
import type { CommandResult, ControllerCommand } from './commands';
import { ControllerHost } from './controller-host';
import type { RaftPort, RaftStatusView } from './raft-port';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, type ControllerState } from './state';
import { COMMAND_TEXT_LENGTH_MAX, validateCommand } from './validate-command';

const placement = defaultControllerWiring(100).placement;
const topology = buildTopology({ nodeCount: 3, vnsPerNode: 2, drivesPerNode: 1, driveCapacityBytes: 1e12 });
const base = { actor: 'op', timeMs: 1_700_000_000_000 };

function bootstrapped(): ControllerState {
  const outcome = applyCommand(emptyControllerState(DEFAULT_SETTINGS), {
    ...base, type: 'bootstrap', clusterId: 'cluster-1', name: 'test', topology, settings: DEFAULT_SETTINGS, containers: [],
  }, 1, placement);
  assert.ok(outcome.result.ok);
  return outcome.state;
}

test('refusals name the field and the limit', () => {
  const state = bootstrapped();
  const cases: Array<[unknown, string, RegExp]> = [
    [{ ...base, type: 'container.create', name: 'big', sliceCount: 131_072, seedHex: '0123456789abcdef' }, 'InvalidContainer', /^slices: must be a power of two in 64\.\.65536 \(found 131072\)/],
    [{ ...base, type: 'container.create', name: 'x', sliceCount: Number.NaN, seedHex: '0123456789abcdef' }, 'InvalidContainer', /^slices: .*found NaN/],
    [{ ...base, type: 'node.down', nodeId: 'node-1', reason: 'r'.repeat(COMMAND_TEXT_LENGTH_MAX + 1) }, 'InvalidCommand', /^reason: must be 0\.\.1000 characters \(found 1001\)/],
    [{ ...base, type: 'node.down', nodeId: '__proto__', reason: 'r' }, 'InvalidCommand', /^nodeId: must be letters, digits/],
    [{ ...base, type: 'node.down', nodeId: 'constructor', reason: 'r' }, 'NotFound', /^nodeId: no node "constructor"/],
    [{ ...base, type: 'container.delete', name: 'toString' }, 'NotFound', /^name: no container "toString"/],
    [{ ...base, type: 'settings.set', changes: { heartbeatMs: 5 } }, 'InvalidSettings', /^changes: unknown setting "heartbeatMs"/],
    [{ ...base, type: 'container.resize' }, 'InvalidCommand', /^type: unknown command type "container.resize"/],
    [{ ...base, timeMs: Number.NaN, type: 'cluster.offline', reason: 'r' }, 'InvalidCommand', /^timeMs: must be a finite number/],
    [null, 'InvalidCommand', /^command: must be an object/],
  ];
  for (const [command, code, message] of cases) {
    const refusal = validateCommand(state, command);
    assert.equal(refusal?.code, code, `case ${cases.findIndex((c) => c[0] === command)}`);
    assert.match(refusal.message, message);
  }
  assert.equal(validateCommand(state, { ...base, type: 'container.create', name: 'ok', sliceCount: 65_536, seedHex: '0123456789abcdef' }), null);
});

/** A Raft stub: a leader at `term` that records what it is asked to propose. */
function stubRaft(term: number): RaftPort & { proposed: number } {
  const status: RaftStatusView = { id: 'node-1', role: 'leader', term, leaderId: 'node-1', commitIndex: 1, appliedIndex: 1, lastIndex: 1, firstIndex: 1, snapshotIndex: 0, voters: ['node-1'] };
  const raft = {
    proposed: 0,
    tick: () => undefined, step: () => undefined, ready: () => null, advance: () => undefined,
    propose: () => { raft.proposed++; return true; },
    proposeConfChange: () => null, setLearners: () => undefined, transferLeadership: () => null, compact: () => undefined,
    status: () => status,
  };
  return raft;
}

const runtime = { nodeId: 'node-1', timers: { schedule: () => 1, cancel: () => undefined } } as unknown as NodeRuntime;

function proposeOn(host: ControllerHost, command: ControllerCommand): CommandResult | 'pending' {
  let result: CommandResult | 'pending' = 'pending';
  host.propose(command, (r) => { result = r; });
  return result;
}

test('the proposer refuses what apply would refuse at once, and nothing enters the log', () => {
  // The stub leads at term 0, the term of the host's last applied entry (none): its state is current.
  const raft = stubRaft(0);
  const host = new ControllerHost(runtime, raft, placement, 100, bootstrapped());
  const refused = proposeOn(host, { ...base, type: 'container.create', name: 'Bad Name', sliceCount: 64, seedHex: '0123456789abcdef' });
  assert.equal(refused === 'pending' ? 'pending' : refused.ok ? 'ok' : refused.code, 'InvalidContainer');
  const missing = proposeOn(host, { ...base, type: 'decommission.start', nodeId: 'node-9' });
  assert.equal(missing === 'pending' ? 'pending' : missing.ok ? 'ok' : missing.code, 'NotFound');
  assert.equal(raft.proposed, 0);
  assert.equal(proposeOn(host, { ...base, type: 'container.create', name: 'good', sliceCount: 64, seedHex: '0123456789abcdef' }), 'pending');
  assert.equal(raft.proposed, 1);
});

test('a new leader that has not applied an entry of its term checks the fields only', () => {
  // Term 2, nothing applied in it yet: its state may be behind the log, so a node it does not
  // know of yet is no reason to refuse; a malformed field still is.
  const raft = stubRaft(2);
  const host = new ControllerHost(runtime, raft, placement, 100, bootstrapped());
  assert.equal(proposeOn(host, { ...base, type: 'decommission.start', nodeId: 'node-9' }), 'pending');
  const malformed = proposeOn(host, { ...base, type: 'decommission.start', nodeId: '' });
  assert.equal(malformed === 'pending' ? 'pending' : malformed.ok ? 'ok' : malformed.code, 'InvalidCommand');
  assert.equal(raft.proposed, 1);
});
