// Simulator speed: cluster-swarm seeds (engine/sim/cluster-swarm.ts, the deterministic whole-
// cluster simulation with faults) per second of this machine, and whether any had a problem.
// Run: node --import tsx bench/simulator.ts --seeds N [--json-out FILE]

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runClusterSwarm } from '../engine/sim/cluster-swarm';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '3' }, first: { type: 'string', default: '1' }, 'json-out': { type: 'string' } } });
const seeds = Number(values.seeds);
const first = Number(values.first);
let ops = 0;
let simulatedMs = 0;
let problems = 0;
const startMs = performance.now();
for (let seed = first; seed < first + seeds; seed++) {
  const result = runClusterSwarm(seed);
  ops += result.ops;
  simulatedMs += result.simulatedMs;
  if (result.problem !== null) problems++;
}
const seconds = (performance.now() - startMs) / 1000;
const summary = { seeds, seconds, seedsPerSecond: seeds / seconds, opsPerSecond: ops / seconds, simulatedSecondsPerSecond: simulatedMs / 1000 / seconds, problems };
console.log(`${seeds} cluster-swarm seeds in ${seconds.toFixed(1)} s: ${summary.seedsPerSecond.toFixed(2)} seeds/s, ${problems} with problems`);
if (values['json-out'] !== undefined) writeFileSync(values['json-out'], JSON.stringify(summary));
