import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegionWriteLease } from '../region/write-lease';
import { REGION_LEASE_SIM_DEFAULTS, runRegionLeaseSim } from './region-lease-sim';

const SEEDS = 150;

test(`over ${SEEDS} seeds of flips (half of them planned handoffs), lost updates, instance outages and drifting clocks, two regions never accept writes at once`, () => {
  let flips = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    // The harsh variant: answers often later than the poll timeout, a third of messages lost,
    // clocks off by up to 5%.
    for (const harsh of [false, true]) {
      const config = harsh ? { ...REGION_LEASE_SIM_DEFAULTS, seed, networkDelayMaxMs: 600, lossRate: 0.3, clockRateErrorMax: 0.05, plannedShare: 0.5 } : { ...REGION_LEASE_SIM_DEFAULTS, seed, plannedShare: 0.5 };
      const result = runRegionLeaseSim(config);
      assert.equal(result.overlapMs, 0, `seed ${seed}${harsh ? ' (harsh)' : ''}: both regions writable for ${result.overlapMs} ms, first at ${result.firstOverlapAtMs} ms`);
      flips += result.flips;
    }
  }
  assert.ok(flips >= SEEDS * 4, `the runs flipped the active region ${flips} times`);
});

test('once the flips stop, the region the arbitrators name accepts writes again', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const result = runRegionLeaseSim({ ...REGION_LEASE_SIM_DEFAULTS, seed });
    const quietMs = REGION_LEASE_SIM_DEFAULTS.durationMs * 0.25;
    // The quiet quarter starts at least 9 s after the last flip; allow the takeover wait and a
    // few lost polls, then the active must be writable almost throughout.
    assert.ok(result.writableAtEndMs >= quietMs * 0.8, `seed ${seed}: ${result.finalActive} writable ${result.writableAtEndMs} of the last ${quietMs} ms`);
  }
});

test('the check can fail: a lease that skips the takeover wait lets both regions write in some seeds', () => {
  class NoWaitLease extends RegionWriteLease {
    override takeoverWaitMs(): number { return 0; }
  }
  let seedsWithOverlap = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const result = runRegionLeaseSim({ ...REGION_LEASE_SIM_DEFAULTS, seed, makeLease: (config) => new NoWaitLease(config) });
    if (result.overlapMs > 0) seedsWithOverlap++;
  }
  assert.ok(seedsWithOverlap > 0, 'no seed showed two writers without the wait: the simulation cannot see the fault');
});

test('a run is a function of its seed', () => {
  const a = runRegionLeaseSim({ ...REGION_LEASE_SIM_DEFAULTS, seed: 7 });
  const b = runRegionLeaseSim({ ...REGION_LEASE_SIM_DEFAULTS, seed: 7 });
  assert.deepEqual(a, b);
});

test('a planned handoff skips the takeover wait, and handing off without fencing the old active first is caught', () => {
  let planned = 0;
  let seedsWithOverlap = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const result = runRegionLeaseSim({ ...REGION_LEASE_SIM_DEFAULTS, seed, plannedShare: 1, handoffWithoutFence: true });
    planned += result.plannedFlips;
    if (result.overlapMs > 0) seedsWithOverlap++;
  }
  assert.ok(planned > 60, `${planned} planned flips`);
  assert.ok(seedsWithOverlap > 0, 'no seed showed two writers when the old active was not fenced: the fence is not what keeps it safe');
});

test('planned switchovers leave the cluster without a writable region for less time than unplanned ones', () => {
  let plannedWritable = 0;
  let unplannedWritable = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const base = { ...REGION_LEASE_SIM_DEFAULTS, seed, lossRate: 0.02 };
    const planned = runRegionLeaseSim({ ...base, plannedShare: 1 });
    const unplanned = runRegionLeaseSim({ ...base, plannedShare: 0 });
    plannedWritable += Object.values(planned.writableMs).reduce((a, b) => a + b, 0);
    unplannedWritable += Object.values(unplanned.writableMs).reduce((a, b) => a + b, 0);
  }
  assert.ok(plannedWritable > unplannedWritable, `writable ms: planned ${plannedWritable}, unplanned ${unplannedWritable}`);
});
