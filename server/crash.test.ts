// The real crash test in `npm test`: 15 SIGKILLs of a running server under a concurrent write
// load; after each restart every acknowledged write must be there with its latest acknowledged
// value, and the cluster must serve again within 10 s. Longer runs: `npm run crash -- --kills N`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrashTest } from '../scripts/crash-run';

const KILLS = 15;
const RESTART_LIMIT_MS = 10_000;

test(`kill -9 under write load, ${KILLS} times: no acknowledged write lost, restart under 10 s`, async () => {
  const seed = Date.now() % 1_000_000;
  const report = await runCrashTest({ kills: KILLS, writers: 8, seed, log: (line) => console.log(line) });
  assert.deepEqual(report.lost, [], `seed ${seed}: acknowledged writes lost (replay: npm run crash -- --seed ${seed})`);
  assert.equal(report.restartMs.length, KILLS);
  // The load must have been real, or the test proves nothing.
  assert.ok(report.ackedWrites >= KILLS * 20, `only ${report.ackedWrites} writes acknowledged`);
  const slowest = Math.max(...report.restartMs);
  assert.ok(slowest < RESTART_LIMIT_MS, `a restart took ${Math.round(slowest)} ms`);
});
