// The real crash test in `npm test`: 15 SIGKILLs of a running server under a concurrent write
// load; after each restart every acknowledged write must be there with its latest acknowledged
// value, and the cluster must accept writes again (the run gives up on a restart that does not
// within its ready limit). How fast a restart is, is not asserted here (a busy machine would
// make it flaky): `npm run crash` reports the restart times against RESTART_GOAL_MS.
// Longer runs: `npm run crash -- --kills N`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrashTest } from '../scripts/crash-run';

const KILLS = 15;

test(`kill -9 under write load, ${KILLS} times: no acknowledged write lost, every restart serving again`, async () => {
  const seed = Date.now() % 1_000_000;
  const report = await runCrashTest({ kills: KILLS, writers: 8, seed, log: (line) => console.log(line) });
  assert.deepEqual(report.lost, [], `seed ${seed}: acknowledged writes lost (replay: npm run crash -- --seed ${seed})`);
  // One restart per kill, each of which accepted a write again.
  assert.equal(report.restartMs.length, KILLS);
  // The load must have been real, or the test proves nothing.
  assert.ok(report.ackedWrites >= KILLS * 20, `only ${report.ackedWrites} writes acknowledged`);
});
