import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runControlPlaneSim } from './control-plane-sim';

test('a seeded control-plane run replays exactly: same seed, same trace hash', () => {
  const a = runControlPlaneSim(77, 8_000);
  const b = runControlPlaneSim(77, 8_000);
  assert.equal(a.traceHash, b.traceHash);
  assert.deepEqual(a.events, b.events);
  assert.notEqual(runControlPlaneSim(78, 8_000).traceHash, a.traceHash);
});

test('through crashes, partitions and clock skew the control plane converges: a leader, bootstrapped, every node up again', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const result = runControlPlaneSim(seed, 16_000);
    assert.equal(result.problem, null, `seed ${seed}: ${result.problem ?? ''} (replay: npm run sim -- --seed ${seed})`);
  }
});
