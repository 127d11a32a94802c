// Fresh cluster-swarm seeds for `npm test`: a different range every run, printed so a failure can
// be replayed. Split over two test files (engine/sim/cluster-swarm-fresh-1/2.test.ts) so that, with the
// whole-process pauses, big containers and container churn of the fault mix, each file stays
// well within the runner's per-file limit on a 2-core machine.

import assert from 'node:assert/strict';
import { runClusterSwarm } from '../engine/sim/cluster-swarm';

/** Fresh seeds per `npm test`, over both files. */
export const FRESH_SEEDS = 500;
/** The files that share them. */
export const FRESH_SEED_PARTS = 2;

export function describeSeed(seed: number, problem: string | null): string {
  return `seed ${seed}: ${problem ?? ''}\nreplay: npm run cluster-swarm -- --seed ${seed}`;
}

/** Runs part `part` (1-based) of this run's fresh seeds; asserts no problem and real client work. */
export function runFreshSeeds(part: number, nowMs: number): void {
  const perPart = FRESH_SEEDS / FRESH_SEED_PARTS;
  const first = 1_000_000 + (nowMs % 1_000_000) * 10 + (part - 1) * perPart;
  console.log(`cluster swarm seeds ${first}..${first + perPart - 1}`);
  let ops = 0;
  for (let seed = first; seed < first + perPart; seed++) {
    const result = runClusterSwarm(seed);
    ops += result.ops;
    assert.equal(result.problem, null, describeSeed(seed, result.problem));
  }
  assert.ok(ops > perPart * 50, `the clients did too little: ${ops} operations`);
}
