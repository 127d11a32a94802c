import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../controller/settings';
import { emptyControllerState, type ClusterOperation, type ControllerState } from '../controller/state';
import { buildTopology } from '../topology/topology';
import type { ClusterMembership } from './cluster-host';
import { planTopologyFollow } from './topology-follower';

const CLUSTER = 'a'.repeat(32);
const four = buildTopology({ nodeCount: 4, vnsPerNode: 1, drivesPerNode: 1, driveCapacityBytes: 1e12 });
const three = { nodes: four.nodes.slice(0, 3) };
const membership: ClusterMembership = { clusterId: CLUSTER, topology: three, foundingVoters: ['node-1', 'node-2', 'node-3'], retiredNodeIds: [] };

function committed(topology: typeof four, operations: ClusterOperation[] = []): ControllerState {
  return { ...emptyControllerState(DEFAULT_SETTINGS), clusterId: CLUSTER, topology, operations };
}

function decommission(nodeId: string, state: ClusterOperation['state']): ClusterOperation {
  return { id: 'op-1', kind: 'decommission', state, actor: 't', startedAtMs: 0, finishedAtMs: null, nodes: [nodeId], targets: {}, plannedMoves: 0, idealMoves: 0 } as unknown as ClusterOperation;
}

test('a node the committed topology added is started and the membership grows', () => {
  const plan = planTopologyFollow(committed(four), membership, new Set(['node-1', 'node-2', 'node-3']), new Set());
  assert.deepEqual(plan.start, ['node-4']);
  assert.deepEqual(plan.stop, []);
  assert.ok(plan.membership !== undefined, 'the membership grows');
  assert.deepEqual(plan.membership.topology.nodes.map((n) => n.id), ['node-1', 'node-2', 'node-3', 'node-4']);
  assert.deepEqual(plan.membership.retiredNodeIds, []);
});

test('a node held down on purpose (a drill, a crash) is not started again', () => {
  const plan = planTopologyFollow(committed(three), membership, new Set(['node-1', 'node-3']), new Set(['node-2']));
  assert.deepEqual(plan, { start: [], stop: [], membership: undefined });
});

test('only a finished decommission stops a node the topology lacks; its id is retired', () => {
  const members = { ...membership, topology: four };
  const running = new Set(['node-1', 'node-2', 'node-3', 'node-4']);
  // A node being added is not in the committed topology yet: it keeps running.
  assert.deepEqual(planTopologyFollow(committed(three), members, running, new Set()).stop, []);
  assert.deepEqual(planTopologyFollow(committed(three, [decommission('node-4', 'running')]), members, running, new Set()).stop, []);
  const plan = planTopologyFollow(committed(three, [decommission('node-4', 'done')]), members, running, new Set());
  assert.deepEqual(plan.stop, ['node-4']);
  assert.deepEqual(plan.membership?.retiredNodeIds, ['node-4']);
});

test('another cluster\'s state changes nothing', () => {
  const state = { ...committed(four), clusterId: 'b'.repeat(32) };
  assert.deepEqual(planTopologyFollow(state, membership, new Set(), new Set()), { start: [], stop: [], membership: undefined });
});
