import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, type ControllerState } from './state';
import { failureDetectorDecisions, type LivenessView } from './failure-detector';

const state: ControllerState = {
  ...emptyControllerState(DEFAULT_SETTINGS),
  clusterId: 'c',
  nodeStates: { 'node-1': 'up', 'node-2': 'up', 'node-3': 'down', 'node-4': 'offline' },
};
const view = (silent: Record<string, number | null>): LivenessView => ({ silentForMs: (id) => silent[id] ?? null });

test('a node silent for longer than the timeout is declared down; a down node heard again is declared up', () => {
  const decisions = failureDetectorDecisions(state, 'node-1', 60_000, view({ 'node-2': 1500, 'node-3': 20, 'node-4': null }), 0);
  assert.deepEqual(decisions.map((d) => `${d.type} ${d.nodeId}`), ['node.down node-2', 'node.up node-3']);
  assert.match(decisions[0]!.reason, /silent for 1500 ms \(timeout 1000 ms\)/);
});

test('a new leader declares nobody down before it has led for a full timeout', () => {
  assert.deepEqual(failureDetectorDecisions(state, 'node-1', 900, view({ 'node-2': null }), 0), []);
  assert.deepEqual(failureDetectorDecisions(state, 'node-1', 1001, view({ 'node-2': null }), 0).map((d) => `${d.type} ${d.nodeId}`), ['node.down node-2']);
});

test('operator-offline nodes are left alone and the leader never declares itself down', () => {
  const decisions = failureDetectorDecisions({ ...state, nodeStates: { 'node-1': 'down', 'node-4': 'offline' } }, 'node-1', 60_000, view({}), 0);
  assert.deepEqual(decisions.map((d) => `${d.type} ${d.nodeId}`), ['node.up node-1']);
});
