// Runs the Raft swarm: `--seeds N [--first S]` for a long run, `--seed S` to replay one seed,
// `--fault NAME` to plant a bug (grantVoteTwiceInTerm, skipLogUpToDateCheck,
// commitOlderTermByCounting) and count the seeds that catch it.
import { runSwarmSeed, type SwarmOptions } from '../engine/raft/swarm';

const args = process.argv.slice(2);
const flag = (name: string): number | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const faultIndex = args.indexOf('--fault');
const fault = faultIndex >= 0 ? args[faultIndex + 1] : undefined;
const options: SwarmOptions = fault === undefined ? {} : { faults: { [fault]: true } };
const one = flag('seed');
if (one !== undefined) {
  console.log(JSON.stringify(runSwarmSeed(one, options), null, 2));
} else {
  const count = flag('seeds') ?? 1000;
  const first = flag('first') ?? 1;
  const startedMs = performance.now();
  let failures = 0;
  for (let seed = first; seed < first + count; seed++) {
    const result = runSwarmSeed(seed, options);
    if (result.violation !== null) {
      failures++;
      console.log(`seed ${seed}: ${result.violationKind ?? ''} ${result.violation}  (replay: node --import tsx scripts/raft-swarm.ts --seed ${seed})`);
    }
  }
  const seconds = (performance.now() - startedMs) / 1000;
  console.log(`${count} seeds in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} seeds/s), ${failures} with violations`);
  // With a planted fault, violations are the point: report them without failing.
  process.exit(failures === 0 || fault !== undefined ? 0 : 1);
}
