import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTopology } from '../topology/topology';
import { applyCommand, type Placement } from './apply';

const NO_PLACEMENT: Placement = { initial: () => [], rebalance: (_vns, map) => map };
import { autoOnlineDecision, sliceAvailabilityProblem } from './auto-online';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, type ControllerState } from './state';

const topology = buildTopology({ nodeCount: 3, vnsPerNode: 1, drivesPerNode: 1, driveCapacityBytes: 1e12 });
const offline: ControllerState = {
  ...emptyControllerState({ ...DEFAULT_SETTINGS, autoOnlineTimeoutSeconds: 5 }),
  clusterId: 'c', topology, availability: 'offline', offlineReason: 'operator', offlineSinceIndex: 3,
  nodeStates: { 'node-1': 'up', 'node-2': 'down', 'node-3': 'up' },
  containers: {
    c: { name: 'c', sliceCount: 2, seedHex: '0000000000000000', mapEpoch: 1, createdAtMs: 0, slices: [
      { primary: 'node-1/vn-0', secondary: 'node-2/vn-0', epoch: 1, inSync: ['node-1/vn-0', 'node-2/vn-0'] },
      { primary: 'node-2/vn-0', secondary: 'node-3/vn-0', epoch: 1, inSync: ['node-2/vn-0'] },
    ] },
  },
};

test('no attempt before the timeout, nor before the next timeout after a failed attempt', () => {
  assert.equal(autoOnlineDecision(offline, 4_999, null, 0), null);
  assert.equal(autoOnlineDecision(offline, 60_000, 4_000, 0), null);
});

test('an attempt fails, naming the slices without an available copy, and leaves the cluster offline', () => {
  const decision = autoOnlineDecision(offline, 5_000, null, 0);
  assert.ok(decision !== null);
  assert.equal(decision.type, 'cluster.auto-online.failed');
  assert.match(decision.reason, /1 slice has no available copy \(e\.g\. c\/1\)/);
  const after = applyCommand(offline, decision, 10, NO_PLACEMENT).state;
  assert.equal(after.availability, 'offline');
  assert.equal(after.events[after.events.length - 1]?.code, 'cluster.auto-online.failed');
});

test('an attempt succeeds when every slice has a copy on an up node, and degraded stays degraded', () => {
  const recovered: ControllerState = { ...offline, nodeStates: { ...offline.nodeStates, 'node-2': 'up' } };
  assert.equal(sliceAvailabilityProblem(recovered), null);
  const decision = autoOnlineDecision(recovered, 5_000, 5_000, 0);
  assert.ok(decision !== null);
  assert.equal(decision.type, 'cluster.online');
  const after = applyCommand(recovered, decision, 11, NO_PLACEMENT).state;
  assert.equal(after.availability, 'online');
  // Slice 1 still has one in-sync copy: the cluster is online and still degraded.
  assert.equal(after.containers['c']?.slices[1]?.inSync.length, 1);
});

test('a timeout of 0 disables auto-online', () => {
  assert.equal(autoOnlineDecision({ ...offline, settings: { ...offline.settings, autoOnlineTimeoutSeconds: 0 } }, 1e9, null, 0), null);
});
