import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTopology, type VnSpec } from '../topology/topology';
import { applyCommand, roleCounts, type Placement } from './apply';
import type { ControllerCommand } from './commands';
import { EVENTS_RETAINED_MAX } from './events';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, type ControllerState } from './state';

// A simple placement for testing the state machine alone: primaries round-robin, secondary the
// next VN on another node. The real algorithm has its own property tests in engine/placement.
const roundRobin: Placement = {
  initial: (vns: readonly VnSpec[], sliceCount: number) => {
    const out: Array<{ primary: string; secondary: string }> = [];
    for (let s = 0; s < sliceCount; s++) {
      const primary = vns[s % vns.length]!;
      let k = 1;
      while (vns[(s + k) % vns.length]!.nodeId === primary.nodeId) k++;
      out.push({ primary: primary.id, secondary: vns[(s + k) % vns.length]!.id });
    }
    return out;
  },
  rebalance: (_vns, map) => map,
};

const topology = buildTopology({ nodeCount: 3, vnsPerNode: 4, drivesPerNode: 4, driveCapacityBytes: 1e12 });
const base = { actor: 'system', timeMs: 1_700_000_000_000 };

function run(commands: ControllerCommand[]): { state: ControllerState; results: Array<{ ok: boolean; code?: string; message?: string }> } {
  let state = emptyControllerState(DEFAULT_SETTINGS);
  const results: Array<{ ok: boolean; code?: string; message?: string }> = [];
  commands.forEach((command, i) => {
    const outcome = applyCommand(state, command, i + 1, roundRobin);
    state = outcome.state;
    results.push(outcome.result);
  });
  return { state, results };
}

const bootstrap: ControllerCommand = {
  ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 'test', topology, settings: DEFAULT_SETTINGS,
  containers: [{ name: 'default', sliceCount: 4096, seedHex: '0123456789abcdef' }],
};

test('bootstrap creates the default container with a full slice map, every slice with two in-sync copies', () => {
  const { state, results } = run([bootstrap]);
  assert.deepEqual(results, [{ ok: true }]);
  const container = state.containers['default']!;
  assert.equal(container.slices.length, 4096);
  for (const slice of container.slices) {
    assert.notEqual(slice.primary, slice.secondary);
    assert.deepEqual(slice.inSync, [slice.primary, slice.secondary]);
    assert.equal(slice.epoch, 1);
  }
  const counts = roleCounts(container);
  assert.equal(counts.size, 12);
  assert.deepEqual(state.events.map((e) => e.code), ['cluster.bootstrapped', 'container.created']);
  assert.equal(state.appliedIndex, 1);
});

test('commands before bootstrap and a second bootstrap are rejected without changing state', () => {
  const early = run([{ ...base, type: 'container.create', name: 'x', sliceCount: 64, seedHex: '0000000000000001' }]);
  assert.equal(early.results[0]?.code, 'NotBootstrapped');
  const twice = run([bootstrap, bootstrap]);
  assert.equal(twice.results[1]?.code, 'AlreadyBootstrapped');
  assert.equal(twice.state.events.length, 2);
  assert.equal(twice.state.appliedIndex, 2);
});

test('containers: create, duplicate, bad input naming the field, delete', () => {
  const { state, results } = run([
    bootstrap,
    { ...base, type: 'container.create', name: 'logs', sliceCount: 256, seedHex: 'fedcba9876543210' },
    { ...base, type: 'container.create', name: 'logs', sliceCount: 256, seedHex: 'fedcba9876543210' },
    { ...base, type: 'container.create', name: 'Bad Name', sliceCount: 256, seedHex: 'fedcba9876543210' },
    { ...base, type: 'container.create', name: 'odd', sliceCount: 100, seedHex: 'fedcba9876543210' },
    { ...base, type: 'container.delete', name: 'logs' },
    { ...base, type: 'container.delete', name: 'logs' },
  ]);
  assert.equal(results[1]?.ok, true);
  assert.equal(results[2]?.code, 'AlreadyExists');
  assert.match(results[3]?.message ?? '', /^name: /);
  assert.match(results[4]?.message ?? '', /^slices: must be a power of two/);
  assert.equal(results[5]?.ok, true);
  assert.equal(results[6]?.code, 'NotFound');
  assert.deepEqual(Object.keys(state.containers), ['default']);
});

test('settings changes are validated as a whole and each change is an event', () => {
  const { state, results } = run([
    bootstrap,
    { ...base, type: 'settings.set', changes: { autoOnlineTimeoutSeconds: 5 } },
    { ...base, type: 'settings.set', changes: { heartbeatIntervalMs: 800 } },
    { ...base, type: 'settings.set', changes: { autoOnlineTimeoutSeconds: -1 } },
  ]);
  assert.equal(results[1]?.ok, true);
  assert.match(results[2]?.message ?? '', /failureDetectionTimeoutMs: must be at least twice heartbeatIntervalMs/);
  assert.match(results[3]?.message ?? '', /^autoOnlineTimeoutSeconds: must be an integer in 0\.\.604800 \(found -1\)/);
  assert.equal(state.settings.autoOnlineTimeoutSeconds, 5);
  assert.equal(state.events.filter((e) => e.code === 'settings.changed').length, 1);
});

test('offline and online keep degraded/healthy untouched and log each transition once', () => {
  const { state } = run([
    bootstrap,
    { ...base, type: 'node.down', nodeId: 'node-2', reason: 'silent for 1000 ms' },
    { ...base, type: 'cluster.offline', reason: 'operator request' },
    { ...base, type: 'cluster.offline', reason: 'again' },
    { ...base, type: 'cluster.online', reason: 'auto-online' },
  ]);
  assert.equal(state.availability, 'online');
  assert.equal(state.nodeStates['node-2'], 'down');
  assert.deepEqual(state.events.map((e) => e.code).slice(2), ['node.down', 'slice.failover', 'cluster.offline', 'cluster.online']);
});

test('the same commands give the same state on every replica', () => {
  const commands: ControllerCommand[] = [bootstrap, { ...base, type: 'container.create', name: 'a', sliceCount: 1024, seedHex: '00000000000000aa' }];
  assert.deepEqual(JSON.stringify(run(commands).state), JSON.stringify(run(commands).state));
});

test('the events kept in the state are bounded', () => {
  const commands: ControllerCommand[] = [bootstrap];
  for (let i = 0; i < EVENTS_RETAINED_MAX + 10; i++) commands.push({ ...base, type: i % 2 === 0 ? 'node.down' : 'node.up', nodeId: 'node-1', reason: 'flap' });
  const { state } = run(commands);
  assert.equal(state.events.length, EVENTS_RETAINED_MAX);
  assert.equal(state.events[state.events.length - 1]?.index, commands.length);
});

test('an operator\'s offline outranks the failure detector; online applies only to an offline node', () => {
  const { state, results } = run([
    bootstrap,
    { ...base, type: 'node.online', nodeId: 'node-2', reason: 'not offline yet' },
    { ...base, type: 'node.offline', nodeId: 'node-2', reason: 'maintenance', actor: 'alice' },
    { ...base, type: 'node.up', nodeId: 'node-2', reason: 'heartbeats' },
    { ...base, type: 'node.down', nodeId: 'node-2', reason: 'silent' },
  ]);
  assert.equal(results[1]?.code, 'Conflict');
  assert.equal(state.nodeStates['node-2'], 'offline');
  const slices = state.containers['default']?.slices ?? [];
  assert.equal(slices.filter((s) => s.primary.startsWith('node-2/') || s.secondary.startsWith('node-2/')).length, 0);
  const back = run([bootstrap, { ...base, type: 'node.offline', nodeId: 'node-2', reason: 'm' }, { ...base, type: 'node.online', nodeId: 'node-2', reason: 'done' }]);
  assert.equal(back.state.nodeStates['node-2'], 'up');
  assert.deepEqual(back.state.events.map((e) => e.code).filter((c) => c.startsWith('node.')), ['node.offline', 'node.online']);
});
