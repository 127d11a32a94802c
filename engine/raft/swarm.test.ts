import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSwarmSeed } from './swarm';

/** Fresh seeds each run (from the clock, in the test only), so CI explores new ground every time. */
const SWARM_SEEDS = 500;
const firstSeed = Number(process.env['RAFT_SWARM_FIRST_SEED'] ?? (Date.now() % 1_000_000_000));

test(`the Raft swarm: ${SWARM_SEEDS} fresh seeds with faults keep every safety invariant and heal`, () => {
  const startedMs = performance.now();
  let events = 0;
  for (let seed = firstSeed; seed < firstSeed + SWARM_SEEDS; seed++) {
    const result = runSwarmSeed(seed);
    events += result.events;
    assert.equal(result.violation, null, `seed ${seed}: ${result.violation ?? ''}\n  replay: node --import tsx scripts/raft-swarm.ts --seed ${seed}`);
  }
  const seconds = (performance.now() - startedMs) / 1000;
  console.log(`raft swarm: ${SWARM_SEEDS} seeds from ${firstSeed} in ${seconds.toFixed(1)} s (${(SWARM_SEEDS / seconds).toFixed(0)} seeds/s, ${events} events)`);
});

test('the same seed replays the same run', () => {
  assert.deepEqual(runSwarmSeed(12345), runSwarmSeed(12345));
});

/**
 * Planted bugs must each be caught within 200 seeds: a swarm that finds nothing may be blind.
 * Caught means a safety invariant broken (a heal that never commits does not count), and the
 * catching seed must run clean without the bug, so the violation is the bug's.
 */
for (const fault of ['grantVoteTwiceInTerm', 'skipLogUpToDateCheck'] as const) {
  test(`the swarm catches the planted bug ${fault} as a safety violation within 200 seeds, and that seed is clean without it`, () => {
    let caughtAt: number | null = null;
    let violation = '';
    for (let seed = 1; seed <= 200 && caughtAt === null; seed++) {
      const result = runSwarmSeed(seed, { faults: { [fault]: true } });
      if (result.violationKind === 'safety') {
        caughtAt = seed;
        violation = result.violation ?? '';
      }
    }
    console.log(`planted ${fault}: caught at seed ${caughtAt ?? 'never'}: ${violation}`);
    assert.notEqual(caughtAt, null, `${fault} was not caught in 200 seeds`);
    const control = runSwarmSeed(caughtAt!);
    assert.equal(control.violation, null, `seed ${caughtAt} fails without ${fault} too: ${control.violation ?? ''}`);
  });
}
