import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeApplier } from '../region/change-applier';
import type { ChangeRecord } from '../region/change-log';
import { REGION_REPLICATION_SIM_DEFAULTS, runRegionReplicationSim } from './region-replication-sim';

const SEEDS = 40;

test(`over ${SEEDS} seeds with a stalled channel, a restarting passive region and lost messages, every record is applied once, in order, with no hole`, () => {
  let takeovers = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const result = runRegionReplicationSim({ ...REGION_REPLICATION_SIM_DEFAULTS, seed });
    assert.deepEqual(result.violations, [], `seed ${seed}`);
    assert.equal(result.gaps, 0, `seed ${seed}: nothing was dropped, so no gap`);
    assert.ok(result.allApplied);
    takeovers += result.takeovers;
  }
  assert.ok(takeovers >= SEEDS, `the backup channel took over ${takeovers} times in ${SEEDS} stalls`);
});

test('records dropped before they were shipped are a loud gap and a resync, after which the copies match', () => {
  let gaps = 0;
  for (let seed = 1; seed <= 20; seed++) {
    // Retention for about 40 records while the active channel stalls for 5-10 s and the backup
    // waits 8 s before taking over.
    const result = runRegionReplicationSim({ ...REGION_REPLICATION_SIM_DEFAULTS, seed, retainedBytesMax: 40 * 80, takeoverAfterMs: 8_000, restartPassive: false });
    assert.deepEqual(result.violations, [], `seed ${seed}`);
    gaps += result.gaps;
    if (result.gaps > 0) assert.ok(result.resyncs > 0, `seed ${seed}: a gap was resolved by a resync`);
  }
  assert.ok(gaps > 0, 'the small retention produced gaps');
});

test('lag stays within the link delay and the round interval when nothing fails', () => {
  const result = runRegionReplicationSim({ ...REGION_REPLICATION_SIM_DEFAULTS, seed: 3, stallActiveChannel: false, restartPassive: false, lossRate: 0 });
  assert.deepEqual(result.violations, []);
  assert.equal(result.takeovers, 0, 'the backup stays quiet while the active channel makes progress');
  assert.ok(result.lagMsP99 <= REGION_REPLICATION_SIM_DEFAULTS.roundIntervalMs + 4 * REGION_REPLICATION_SIM_DEFAULTS.linkDelayMaxMs, `p99 lag ${result.lagMsP99} ms`);
});

test('the checks can fail: an applier that re-applies records it already has is caught', () => {
  class ReapplyingApplier extends ChangeApplier {
    override apply(slice: number, records: readonly ChangeRecord[]): ReturnType<ChangeApplier['apply']> {
      // Forgets its position: treats every offered record as new, from the first one offered.
      const first = records[0];
      if (first === undefined) return super.apply(slice, records);
      return super.apply(slice, records.map((r, i) => ({ ...r, position: this.appliedPosition(slice) + 1 + i })));
    }
  }
  let caught = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const result = runRegionReplicationSim({ ...REGION_REPLICATION_SIM_DEFAULTS, seed, makeApplier: (store) => new ReapplyingApplier(store) });
    if (result.violations.length > 0) caught++;
  }
  assert.equal(caught, 5, 'every seed shows the fault');
});
