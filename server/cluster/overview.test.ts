// The overview's balance report: "unbalanced" with the figures while roles per VN differ by more
// than one (a node came back holding nothing), and what auto-rebalance is waiting for.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCommand } from '../../engine/controller/apply';
import type { ControllerCommand } from '../../engine/controller/commands';
import { DEFAULT_SETTINGS } from '../../engine/controller/settings';
import { emptyControllerState, type ControllerState } from '../../engine/controller/state';
import { defaultControllerWiring } from '../../engine/node/controller-wiring';
import type { NodeStatus } from '../../engine/node/tessera-node';
import { buildTopology } from '../../engine/topology/topology';
import { buildOverview } from './overview';

const placement = defaultControllerWiring(100).placement;
const base = { actor: 'test', timeMs: 1_700_000_000_000 };
const topology = buildTopology({ nodeCount: 3, vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 });

function applyAll(state: ControllerState, commands: readonly ControllerCommand[]): ControllerState {
  for (const command of commands) {
    const outcome = applyCommand(state, command, state.appliedIndex + 1, placement);
    assert.equal(outcome.result.ok, true, `${command.type}: ${JSON.stringify(outcome.result)}`);
    state = outcome.state;
  }
  return state;
}

function overviewOf(state: ControllerState): ReturnType<typeof buildOverview> {
  const statuses: NodeStatus[] = topology.nodes.map((n) => ({
    nodeId: n.id, clusterId: 'c'.repeat(32), lifecycle: 'running', error: null, drives: [], vnIds: n.vns.map((v) => v.id),
    peers: topology.nodes.filter((p) => p.id !== n.id).map((p) => ({ nodeId: p.id, up: true, lastHeardAgoMs: 10 })),
    timing: { heartbeatIntervalMs: 100, failureDetectionTimeoutMs: 1000 },
  }));
  return buildOverview({ manifest: { clusterId: 'c'.repeat(32), name: 't', createdAt: '2026-01-01T00:00:00Z' }, state, topology, statuses, leader: { nodeId: 'node-1', term: 1, commitIndex: 1 }, uptimeMs: 0, longestStallMs: null });
}

/** node-3 failed, its slices were re-protected on node-1 and node-2, and it is up again. */
function returned(settings = DEFAULT_SETTINGS): ControllerState {
  const failed = applyAll(emptyControllerState(settings), [
    { ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings, containers: [{ name: 'default', sliceCount: 64, seedHex: '0123456789abcdef' }] },
    { ...base, type: 'node.down', nodeId: 'node-3', reason: 'silent' },
  ]);
  const changes = failed.containers['default']!.slices.flatMap((entry, slice) => (entry.inSync.includes(entry.secondary) ? [] : [{
    container: 'default', slice, expectedEpoch: entry.epoch, primary: entry.primary, secondary: entry.secondary, inSync: [entry.primary, entry.secondary], reason: 're-protected',
  }]));
  return applyAll(failed, [{ ...base, type: 'slices.reconfigure', changes }, { ...base, type: 'node.up', nodeId: 'node-3', reason: 'back' }]);
}

test('a new cluster is balanced, with its figures', () => {
  const state = applyAll(emptyControllerState(DEFAULT_SETTINGS), [
    { ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: DEFAULT_SETTINGS, containers: [{ name: 'default', sliceCount: 64, seedHex: '0123456789abcdef' }] },
  ]);
  const o = overviewOf(state);
  assert.equal(o.balance.state, 'balanced');
  assert.ok(o.balance.primariesMax - o.balance.primariesMin <= 1);
  assert.ok(!o.reasons.some((r) => r.startsWith('unbalanced')), JSON.stringify(o.reasons));
});

test('a returned node makes the overview say unbalanced with the roles per VN, redundancy still healthy', () => {
  const o = overviewOf(returned());
  assert.equal(o.redundancy, 'healthy');
  assert.equal(o.balance.state, 'unbalanced');
  assert.equal(o.balance.primariesMin, 0);
  assert.ok(o.balance.primariesMax > 1);
  assert.equal(o.balance.autoRebalanceWaitingFor, null);
  const reason = o.reasons.find((r) => r.startsWith('unbalanced'));
  assert.match(reason ?? '', /^unbalanced: primaries per VN 0\.\.\d+, secondaries 0\.\.\d+ \(container default\); auto-rebalance starts after 30 s of calm$/);
});

test('with autoRebalance off the overview says so', () => {
  const o = overviewOf(returned({ ...DEFAULT_SETTINGS, autoRebalance: false }));
  assert.equal(o.balance.state, 'unbalanced');
  assert.equal(o.balance.autoRebalance, false);
  assert.match(o.reasons.find((r) => r.startsWith('unbalanced')) ?? '', /autoRebalance is off/);
});
