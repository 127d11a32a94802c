import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, type ControllerState } from './state';
import { failureDetectorDecisions, POST_PAUSE_GRACE_HEARTBEATS, type LeaderResponsiveness, type LivenessView } from './failure-detector';

const state: ControllerState = {
  ...emptyControllerState(DEFAULT_SETTINGS),
  clusterId: 'c',
  nodeStates: { 'node-1': 'up', 'node-2': 'up', 'node-3': 'down', 'node-4': 'offline' },
};
const view = (silent: Record<string, number | null>): LivenessView => ({ silentForMs: (id) => silent[id] ?? null });
const leading = (leaderForMs: number, sinceOwnPauseMs: number | null = null): LeaderResponsiveness => ({ leaderForMs, sinceOwnPauseMs, heartbeatIntervalMs: 100 });
const summary = (decisions: ReturnType<typeof failureDetectorDecisions>): string[] => decisions.map((d) => `${d.type} ${d.nodeId}`);

test('a node silent for longer than the timeout is declared down; a down node heard again is declared up', () => {
  const decisions = failureDetectorDecisions(state, 'node-1', leading(60_000), view({ 'node-2': 1500, 'node-3': 20, 'node-4': null }), 0);
  assert.deepEqual(summary(decisions), ['node.down node-2', 'node.up node-3']);
  assert.match(decisions[0]!.reason, /silent for 1500 ms \(timeout 1000 ms/);
});

test('a new leader declares nobody down before it has led for a full timeout', () => {
  assert.deepEqual(failureDetectorDecisions(state, 'node-1', leading(900), view({ 'node-2': null }), 0), []);
  assert.deepEqual(summary(failureDetectorDecisions(state, 'node-1', leading(1001), view({ 'node-2': null }), 0)), ['node.down node-2']);
});

test('operator-offline nodes are left alone and the leader never declares itself down', () => {
  const decisions = failureDetectorDecisions({ ...state, nodeStates: { 'node-1': 'down', 'node-4': 'offline' } }, 'node-1', leading(60_000), view({}), 0);
  assert.deepEqual(summary(decisions), ['node.up node-1']);
});

test('right after its own pause the leader declares nobody down, and a down node heard again still comes up', () => {
  const graceMs = POST_PAUSE_GRACE_HEARTBEATS * 100;
  const silent = view({ 'node-2': 5_000, 'node-3': 20 });
  assert.deepEqual(summary(failureDetectorDecisions(state, 'node-1', leading(60_000, 0), silent, 0)), ['node.up node-3']);
  assert.deepEqual(summary(failureDetectorDecisions(state, 'node-1', leading(60_000, graceMs - 1), silent, 0)), ['node.up node-3']);
  // Once the grace is over, a node silent for the timeout of the leader's running time is down.
  assert.deepEqual(summary(failureDetectorDecisions(state, 'node-1', leading(60_000, graceMs), silent, 0)), ['node.down node-2', 'node.up node-3']);
});
