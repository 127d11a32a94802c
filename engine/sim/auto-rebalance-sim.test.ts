// Auto-rebalance end to end in the simulator: a node fails, its slices are re-protected on the
// others, it returns holding no roles, and the controller leader rebalances by itself (or, with
// the setting off, leaves the map unbalanced and says so).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTO_REBALANCE_SETTLE_MS, autoRebalanceBlocker, roleSpread } from '../controller/auto-rebalance';
import { DataClusterSim } from './data-cluster-sim';

const SLICES = 64;

/** Fails node-4, waits for re-protection, restarts it and waits until it is up again. */
function failAndRecover(autoRebalance: boolean): DataClusterSim {
  const sim = new DataClusterSim(7, { nodeCount: 4, vnsPerNode: 2, sliceCount: SLICES, settings: { autoRebalance } });
  sim.bootstrap();
  const before = roleSpread(sim.state()!);
  assert.equal(before?.unbalanced, false, `a new map is balanced: ${JSON.stringify(before)}`);
  sim.crash('node-4');
  assert.ok(sim.world.runUntil(() => sim.state()?.nodeStates['node-4'] === 'down', 10_000, 50), 'node-4 declared down');
  assert.ok(sim.world.runUntil(() => sim.copies().two === SLICES, 60_000, 50), `re-protection: ${JSON.stringify(sim.copies())}`);
  sim.boot('node-4');
  assert.ok(sim.world.runUntil(() => sim.state()?.nodeStates['node-4'] === 'up', 10_000, 50), 'node-4 up again');
  const returned = roleSpread(sim.state()!);
  // The returned node's VNs hold nothing: failover moved their roles away.
  assert.equal(returned?.unbalanced, true, `unbalanced after the return: ${JSON.stringify(returned)}`);
  assert.equal(returned.primariesMin, 0);
  return sim;
}

test('a node that fails and returns gets its share back without an operator (roles per VN within ±1)', () => {
  const sim = failAndRecover(true);
  const returnedAtMs = sim.world.nowMs();
  const balanced = sim.world.runUntil(() => {
    const state = sim.state();
    return state !== undefined && roleSpread(state)?.unbalanced === false && state.operations.every((op) => op.state !== 'running');
  }, 120_000, 100);
  const state = sim.state()!;
  assert.ok(balanced, `not balanced within 120 s: ${JSON.stringify(roleSpread(state))}, operations ${JSON.stringify(state.operations.map((o) => [o.kind, o.state, o.actor]))}`);
  const spread = roleSpread(state)!;
  assert.ok(spread.primariesMax - spread.primariesMin <= 1 && spread.secondariesMax - spread.secondariesMin <= 1, JSON.stringify(spread));
  const rebalance = state.operations.find((op) => op.kind === 'rebalance');
  assert.ok(rebalance !== undefined && rebalance.actor === 'system' && rebalance.state === 'done', `an automatic rebalance ran: ${JSON.stringify(state.operations.map((o) => [o.kind, o.state, o.actor]))}`);
  // It waited for the settle period: a flapping node would not start one at once.
  assert.ok(sim.world.nowMs() - returnedAtMs >= AUTO_REBALANCE_SETTLE_MS, 'the rebalance waited for the settle period');
  assert.equal(sim.copies().two, SLICES, 'every slice has two in-sync copies at the end');
});

test('with autoRebalance off the returned node stays empty and the imbalance is reported', () => {
  const sim = failAndRecover(false);
  sim.world.runFor(3 * AUTO_REBALANCE_SETTLE_MS);
  const state = sim.state()!;
  const spread = roleSpread(state);
  assert.equal(spread?.unbalanced, true, `still unbalanced: ${JSON.stringify(spread)}`);
  assert.equal(spread.primariesMin, 0);
  assert.equal(autoRebalanceBlocker(state), 'autoRebalance is off');
  assert.equal(state.operations.length, 0, `no operation started: ${JSON.stringify(state.operations.map((o) => [o.kind, o.actor]))}`);
});
