// Runs the cluster swarm (engine/sim/cluster-swarm.ts): `--seeds N [--first S]` for a long
// run, `--seed S` to replay one seed (prints its faults and the checker's explanation),
// `--canary NAME` to switch one safety rule off and count the seeds that catch it, i.e. that
// report a safety violation (`safetyProblem`: not linearizable, or a key lost), not merely a run
// that did not converge (ackBeforeSecondaryDurable, skipEpochCheck, readWithoutLease,
// promoteOutOfSync, loseFsync),
// `--big-slices N` to give every seed a big container of N slices (a power of two, 64..65536).
import { NO_CANARIES, type DataPlaneCanaries } from '../engine/dataplane/replica-context';
import { runClusterSwarm, type SwarmOptions } from '../engine/sim/cluster-swarm';

const args = process.argv.slice(2);
const flag = (name: string): number | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const canaryIndex = args.indexOf('--canary');
const canary = canaryIndex >= 0 ? args[canaryIndex + 1] : undefined;
if (canary !== undefined && !(canary in NO_CANARIES)) {
  console.error(`--canary: one of ${Object.keys(NO_CANARIES).join(', ')} (found ${canary})`);
  process.exit(2);
}
const bigSlices = flag('big-slices');
if (bigSlices !== undefined && (!Number.isInteger(bigSlices) || bigSlices < 64 || bigSlices > 65_536 || (bigSlices & (bigSlices - 1)) !== 0)) {
  console.error(`--big-slices: a power of two in 64..65536 (found ${String(bigSlices)})`);
  process.exit(2);
}
const options: SwarmOptions = {
  ...(canary === undefined ? {} : { canaries: { ...NO_CANARIES, [canary as keyof DataPlaneCanaries]: true } }),
  ...(bigSlices === undefined ? {} : { bigContainerSlices: bigSlices }),
};
const one = flag('seed');
if (one !== undefined) {
  const result = runClusterSwarm(one, options);
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.problem === null ? 0 : 1);
} else {
  const count = flag('seeds') ?? 1000;
  const first = flag('first') ?? 1;
  const startedMs = performance.now();
  let failures = 0;
  let caught = 0;
  let ops = 0;
  let simulatedMs = 0;
  for (let seed = first; seed < first + count; seed++) {
    let result;
    try {
      result = runClusterSwarm(seed, options);
    } catch (error) {
      failures++;
      console.log(`seed ${seed}: threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}  (replay: npm run cluster-swarm -- --seed ${seed})`);
      continue;
    }
    ops += result.ops;
    simulatedMs += result.simulatedMs;
    if (result.safetyProblem !== null) caught++;
    if (result.problem !== null) {
      failures++;
      console.log(`seed ${seed}: ${result.problem.split('\n')[0] ?? ''}  (replay: npm run cluster-swarm -- --seed ${seed})`);
    }
  }
  const seconds = (performance.now() - startedMs) / 1000;
  console.log(`${count} seeds in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} seeds/s, ${Math.round(ops / seconds)} client ops/s, ${(simulatedMs / 1000 / seconds).toFixed(0)} simulated s per s), ${failures} with problems${canary === undefined ? '' : `, ${caught} caught ${canary} (a safety violation)`}`);
  process.exit(failures === 0 || canary !== undefined ? 0 : 1);
}
