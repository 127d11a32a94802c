// Part 1 of 2 of the fresh cluster-swarm seeds of this run (scripts/swarm-fresh-seeds.ts).

import { test } from 'node:test';
import { FRESH_SEED_PARTS, FRESH_SEEDS, runFreshSeeds } from '../../scripts/swarm-fresh-seeds';

test(`cluster swarm: fresh seeds (part 1 of ${FRESH_SEED_PARTS}, ${FRESH_SEEDS / FRESH_SEED_PARTS} seeds), no lost write, linearizable, converged after the heal`, () => {
  runFreshSeeds(1, Date.now());
});
