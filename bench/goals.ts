// The goals of issue 18 as ratios measured in the same run, each judged pass or fail. A goal
// whose figures are missing (a system skipped or failed) is neither: it says what is missing.

import { phaseName } from './phases';
import type { SystemName } from './protocol';
import type { BenchResults, GoalResult } from './results';
import { SYSTEM_LABELS } from './systems/system';

type Metric = 'opsPerSecond' | 'mbPerSecond' | 'p50Ms';

function figure(results: Omit<BenchResults, 'goals'>, system: SystemName, phase: string, metric: Metric): number | null {
  const measured = results.systems[system]?.phases[phase];
  if (measured === undefined || measured.ops === 0) return null;
  return measured[metric];
}

/** `value / baseline ≥ min` (or ≤ max for latencies), as a line like "…: 0.14× FAIL". */
function ratioGoal(goal: string, value: number | null, baseline: number | null, bound: { min: number } | { max: number }, missing: string): GoalResult {
  if (value === null || baseline === null || baseline === 0) return { goal, measured: null, pass: null, line: `${goal}: not measured (${missing})` };
  const ratio = value / baseline;
  const pass = 'min' in bound ? ratio >= bound.min : ratio <= bound.max;
  return { goal, measured: ratio, pass, line: `${goal}: ${ratio.toFixed(2)}× ${pass ? 'PASS' : 'FAIL'}` };
}

function missingOf(results: Omit<BenchResults, 'goals'>, ...systems: SystemName[]): string {
  const gone = systems.filter((s) => {
    const system = results.systems[s];
    return system === undefined || system.skipped !== null || Object.keys(system.phases).length === 0;
  });
  return gone.length === 0 ? 'no request completed inside a measured window: the system stalled or failed' : gone.map((s) => `${SYSTEM_LABELS[s]}: ${results.systems[s]?.skipped ?? 'not run'}`).join('; ');
}

export function judgeGoals(r: Omit<BenchResults, 'goals'>): GoalResult[] {
  const f = (s: SystemName, p: string, m: Metric = 'opsPerSecond'): number | null => figure(r, s, p, m);
  const goals: GoalResult[] = [
    ratioGoal('HTTP put c=128 ≥ 0.5× raw HTTP PUT', f('tessera-http', phaseName.put(128)), f('raw-http', phaseName.put(128)), { min: 0.5 }, missingOf(r, 'tessera-http', 'raw-http')),
    ratioGoal('HTTP put c=128 ≥ 2× etcd put', f('tessera-http', phaseName.put(128)), f('etcd', phaseName.put(128)), { min: 2 }, missingOf(r, 'tessera-http', 'etcd')),
    ratioGoal('library put c=16 ≥ 0.5× lmdb durable put', f('tessera-library', phaseName.put(16)), f('lmdb', phaseName.put(16)), { min: 0.5 }, missingOf(r, 'tessera-library', 'lmdb')),
    ratioGoal('library put c=128 ≥ 0.5× lmdb durable put', f('tessera-library', phaseName.put(128)), f('lmdb', phaseName.put(128)), { min: 0.5 }, missingOf(r, 'tessera-library', 'lmdb')),
    ratioGoal('library put c=1 p50 ≤ 3× lmdb put p50', f('tessera-library', phaseName.put(1), 'p50Ms'), f('lmdb', phaseName.put(1), 'p50Ms'), { max: 3 }, missingOf(r, 'tessera-library', 'lmdb')),
    ratioGoal('HTTP 64 KiB put MB/s ≥ 0.5× lmdb 64 KiB MB/s', f('tessera-http', phaseName.put64k, 'mbPerSecond'), f('lmdb', phaseName.put64k, 'mbPerSecond'), { min: 0.5 }, missingOf(r, 'tessera-http', 'lmdb')),
    ratioGoal('library 64 KiB put MB/s ≥ 0.5× lmdb 64 KiB MB/s', f('tessera-library', phaseName.put64k, 'mbPerSecond'), f('lmdb', phaseName.put64k, 'mbPerSecond'), { min: 0.5 }, missingOf(r, 'tessera-library', 'lmdb')),
    ratioGoal('HTTP get c=128 ≥ 0.6× raw HTTP GET', f('tessera-http', phaseName.get(128)), f('raw-http', phaseName.get(128)), { min: 0.6 }, missingOf(r, 'tessera-http', 'raw-http')),
    ratioGoal('library get c=128 ≥ 0.3× lmdb getBinaryFast', f('tessera-library', phaseName.get(128)), f('lmdb', phaseName.get(128)), { min: 0.3 }, missingOf(r, 'tessera-library', 'lmdb')),
  ];
  const large = r.large;
  const scaleNote = large === null ? 'large run not done' : `${large.loadedKeys.toLocaleString('en-US')} keys loaded`;
  const fullScale = large !== null && large.loadedKeys >= large.targetKeys;
  const scaleGoal = (what: string, phase: string, base: string): GoalResult => {
    const g = ratioGoal(`${what} with ${scaleNote} ≥ 0.8× its ${r.keys.toLocaleString('en-US')}-key rate`, f('tessera-http', phase), f('tessera-http', base), { min: 0.8 }, missingOf(r, 'tessera-http'));
    // The goal is about 1,000,000 keys: a run that loaded fewer cannot pass it.
    if (g.pass === true && !fullScale) return { ...g, pass: null, line: `${g.line.replace(' PASS', '')} (not judged: fewer than ${(large?.targetKeys ?? 0).toLocaleString('en-US')} keys)` };
    return g;
  };
  goals.push(scaleGoal('HTTP put c=16', phaseName.largePut, phaseName.put(16)));
  goals.push(scaleGoal('HTTP get c=16', phaseName.largeGet, phaseName.get(16)));
  if (large !== null && !fullScale && large.targetKeys >= 1_000_000) goals.push({ goal: 'load 1,000,000 keys', measured: large.loadedKeys / large.targetKeys, pass: false, line: `load ${large.targetKeys.toLocaleString('en-US')} keys within ${large.loadSeconds.toFixed(0)} s: ${large.loadedKeys.toLocaleString('en-US')} loaded FAIL` });
  const m = r.migration;
  goals.push(ratioGoal('migration (scale-out) MB/s ≥ 1× client write MB/s', m?.migrationMBps ?? null, m?.writeMBps ?? null, { min: 1 }, r.problems.find((p) => p.startsWith('migration')) ?? 'not run'));
  goals.push(ratioGoal('rebuild MB/s ≥ 1× client write MB/s', m?.rebuildMBps ?? null, m?.writeMBps ?? null, { min: 1 }, r.problems.find((p) => p.startsWith('migration')) ?? 'not run'));
  const sim = r.simulator;
  goals.push(sim === null
    ? { goal: 'cluster swarm green', measured: null, pass: null, line: 'cluster swarm seeds without problems: not measured' }
    : { goal: 'cluster swarm green', measured: sim.problems, pass: sim.problems === 0, line: `cluster swarm ${sim.seeds} seeds without problems: ${sim.problems} with problems ${sim.problems === 0 ? 'PASS' : 'FAIL'} (the crash test is \`npm run crash\`, not run here)` });
  return goals;
}
