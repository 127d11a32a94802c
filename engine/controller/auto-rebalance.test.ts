// The auto-rebalance decision on controller states: when the leader may start a rebalance, the
// settle period, the setting, and the figures it reports.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultControllerWiring } from '../node/controller-wiring';
import { buildTopology } from '../topology/topology';
import { applyCommand } from './apply';
import { AUTO_REBALANCE_SETTLE_MS, autoRebalanceBlocker, autoRebalanceDecision, roleSpread } from './auto-rebalance';
import type { ControllerCommand } from './commands';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, type ControllerState } from './state';

const placement = defaultControllerWiring(100).placement;
const base = { actor: 'test', timeMs: 1_700_000_000_000 };
const topology = buildTopology({ nodeCount: 4, vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 });

function applyAll(commands: readonly ControllerCommand[], state: ControllerState = emptyControllerState(DEFAULT_SETTINGS)): ControllerState {
  let index = state.appliedIndex;
  for (const command of commands) {
    const outcome = applyCommand(state, command, ++index, placement);
    assert.equal(outcome.result.ok, true, `${command.type}: ${JSON.stringify(outcome.result)}`);
    state = outcome.state;
  }
  return state;
}

/** node-4 fails, every slice is re-protected, node-4 comes back up holding no roles. */
function returnedNode(): ControllerState {
  const state = applyAll([
    { ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: DEFAULT_SETTINGS, containers: [{ name: 'default', sliceCount: 256, seedHex: '0123456789abcdef' }] },
    { ...base, type: 'node.down', nodeId: 'node-4', reason: 'silent' },
  ]);
  const container = state.containers['default']!;
  const changes = container.slices.flatMap((entry, slice) => (entry.inSync.includes(entry.secondary) ? [] : [{
    container: 'default', slice, expectedEpoch: entry.epoch, primary: entry.primary, secondary: entry.secondary, inSync: [entry.primary, entry.secondary], reason: 're-protected',
  }]));
  return applyAll([
    { ...base, type: 'slices.reconfigure', changes },
    { ...base, type: 'node.up', nodeId: 'node-4', reason: 'heartbeats resumed' },
  ], state);
}

test('a returned node makes the map unbalanced; the leader starts a rebalance only after the settle period', () => {
  const state = returnedNode();
  const spread = roleSpread(state);
  assert.ok(spread !== null && spread.unbalanced, JSON.stringify(spread));
  assert.equal(spread.primariesMin, 0, 'the returned VNs hold no primaries');
  assert.equal(autoRebalanceBlocker(state), null);
  assert.equal(autoRebalanceDecision(state, AUTO_REBALANCE_SETTLE_MS - 1, base.timeMs), null, 'not before the settle period');
  const decision = autoRebalanceDecision(state, AUTO_REBALANCE_SETTLE_MS, base.timeMs);
  assert.equal(decision?.type, 'rebalance.start');
  assert.equal(decision.actor, 'system');
  assert.match(decision.reason, /auto-rebalance: primaries per VN 0\.\.\d+, secondaries 0\.\.\d+ \(container default\)/);
  // The command is the operator's rebalance: an operation whose targets are balanced.
  const started = applyAll([decision], state);
  const operation = started.operations.find((op) => op.state === 'running');
  assert.ok(operation !== undefined);
  assert.equal(operation.kind, 'rebalance');
  assert.ok(operation.plannedMoves > 0);
  assert.equal(autoRebalanceBlocker(started), `operation ${operation.id} (rebalance) is running`);
  assert.equal(autoRebalanceDecision(started, AUTO_REBALANCE_SETTLE_MS, base.timeMs), null, 'one operation at a time');
});

test('no automatic rebalance while a node is down, a slice is not in sync, the cluster is offline or the setting is off', () => {
  const returned = returnedNode();
  const down = applyAll([{ ...base, type: 'node.down', nodeId: 'node-2', reason: 'silent' }], returned);
  assert.match(autoRebalanceBlocker(down) ?? '', /node-2 down/);
  assert.equal(autoRebalanceDecision(down, 10 * AUTO_REBALANCE_SETTLE_MS, base.timeMs), null);
  const up = applyAll([{ ...base, type: 'node.up', nodeId: 'node-2', reason: 'back' }], down);
  assert.match(autoRebalanceBlocker(up) ?? '', /is not fully in sync/, 'the failover of node-2 left slices to re-protect');
  const offline = applyAll([{ ...base, type: 'cluster.offline', reason: 'maintenance' }], returned);
  assert.equal(autoRebalanceBlocker(offline), 'the cluster is offline');
  const off = applyAll([{ ...base, type: 'settings.set', changes: { autoRebalance: false } }], returned);
  assert.equal(autoRebalanceBlocker(off), 'autoRebalance is off');
  assert.equal(autoRebalanceDecision(off, 10 * AUTO_REBALANCE_SETTLE_MS, base.timeMs), null);
  assert.equal(roleSpread(off)?.unbalanced, true, 'the imbalance is still reported');
});

test('a new map is balanced and wants no rebalance; the setting is validated', () => {
  const state = applyAll([{ ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: DEFAULT_SETTINGS, containers: [{ name: 'default', sliceCount: 256, seedHex: '0123456789abcdef' }] }]);
  assert.equal(roleSpread(state)?.unbalanced, false);
  assert.equal(autoRebalanceDecision(state, 10 * AUTO_REBALANCE_SETTLE_MS, base.timeMs), null);
  const refused = applyCommand(state, { ...base, type: 'settings.set', changes: { autoRebalance: 'yes' as unknown as boolean } }, state.appliedIndex + 1, placement);
  assert.equal(refused.result.ok, false);
  assert.match(JSON.stringify(refused.result), /autoRebalance: must be true or false/);
});

test('a bootstrap entry from before autoRebalance and placement versions still applies: autoRebalance on, placement version 1', () => {
  const { autoRebalance: _omitted, ...oldSettings } = DEFAULT_SETTINGS;
  const old = applyCommand(emptyControllerState(DEFAULT_SETTINGS), {
    ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: oldSettings as typeof DEFAULT_SETTINGS,
    containers: [{ name: 'default', sliceCount: 256, seedHex: '0123456789abcdef' }],
  }, 1, placement);
  assert.equal(old.result.ok, true, JSON.stringify(old.result));
  assert.equal(old.state.settings.autoRebalance, true);
  assert.equal(old.state.placementVersion, 1);
  const current = applyAll([{ ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: DEFAULT_SETTINGS, placementVersion: 2, containers: [{ name: 'default', sliceCount: 256, seedHex: '0123456789abcdef' }] }]);
  assert.equal(current.placementVersion, 2);
  const bad = applyCommand(emptyControllerState(DEFAULT_SETTINGS), { ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: DEFAULT_SETTINGS, placementVersion: 3, containers: [] }, 1, placement);
  assert.equal(bad.result.ok, false);
  assert.match(JSON.stringify(bad.result), /placementVersion: must be one of 1, 2 \(found 3\)/);
});
