// `npm run sim -- --seed N [--ms D]`: replays one seeded run of the whole control plane and prints
// its trace hash, final leader and events. Two runs of one seed print the same hash.
import { runControlPlaneSim } from '../engine/sim/control-plane-sim';

const args = process.argv.slice(2);
const value = (name: string): number | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const seed = value('seed') ?? 1;
const result = runControlPlaneSim(seed, value('ms') ?? 20_000);
console.log(JSON.stringify(result, null, 2));
process.exit(result.problem === null ? 0 : 1);
