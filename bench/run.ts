// `npm run bench [-- --quick] [-- --systems tessera-http,etcd] [-- --no-extras]`: starts each
// system in turn (raw HTTP, lmdb, etcd, Tessera through its client library, Tessera over HTTP
// with the large run), drives it with the load generator in a child process, stops it, then runs
// the migration, placement and simulator benchmarks; prints one table with every figure beside
// its baseline and the ratio, the goals as pass/fail lines, and writes bench/results/.
// Never part of `npm test`. Figures and how to read them: docs/PERFORMANCE.md.

import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { ROOT_DIR } from '../server/index';
import { machineBusyShare, machineCpu, processCpuSeconds, processRssBytes } from './cpu';
import { runMigration, runPlacement, runSimulator } from './extras';
import { GeneratorClient } from './generator-client';
import { judgeGoals } from './goals';
import { FULL_MODE, QUICK_MODE } from './modes';
import { largePhases, loadPhase, phaseName, standardPhases } from './phases';
import type { PhaseSpec, SystemName } from './protocol';
import { renderGoals, renderHeader, renderTable } from './report';
import type { BenchResults, LargeRunResults, MeasuredPhase, MigrationResults, PlacementRow, SimulatorResults, SystemResults } from './results';
import { previousRun, saveRun } from './results-store';
import { ensureEtcd, startEtcd } from './systems/etcd';
import { lmdbTarget } from './systems/lmdb';
import { startRawHttp } from './systems/raw-http';
import type { RunningSystem } from './systems/system';
import { BENCH_NODES, libraryTarget, startTesseraServer } from './systems/tessera';

const ALL_SYSTEMS: readonly SystemName[] = ['raw-http', 'lmdb', 'etcd', 'tessera-library', 'tessera-http'];
const args = process.argv.slice(2);
const mode = args.includes('--quick') ? QUICK_MODE : FULL_MODE;
const systemsFlag = args.indexOf('--systems');
const chosen = systemsFlag >= 0 ? (args[systemsFlag + 1] ?? '').split(',') : ALL_SYSTEMS;
const unknown = chosen.filter((s) => !ALL_SYSTEMS.includes(s as SystemName));
if (unknown.length > 0) {
  console.error(`--systems: comma-separated, of ${ALL_SYSTEMS.join(', ')} (found ${unknown.join(', ')})`);
  process.exit(2);
}
const withExtras = !args.includes('--no-extras');
const runStartMs = performance.now();
const log = (line: string): void => console.log(`· ${((performance.now() - runStartMs) / 1000).toFixed(0).padStart(4)} s  ${line}`);

/** Everything still running, stopped on Ctrl-C as in the normal path. */
const running = new Set<RunningSystem>();
process.once('SIGINT', () => {
  log('interrupted: stopping the systems');
  void Promise.all([...running].map((s) => s.stop())).finally(() => process.exit(130));
});

async function startSystem(name: SystemName): Promise<RunningSystem> {
  switch (name) {
    case 'raw-http': return startRawHttp();
    case 'lmdb': return lmdbTarget();
    case 'etcd': return startEtcd();
    case 'tessera-library': return libraryTarget();
    case 'tessera-http': return startTesseraServer();
  }
}

const sum = (pids: readonly number[], of: (pid: number) => number): number => pids.reduce((total, pid) => total + of(pid), 0);

async function measure(generator: GeneratorClient, system: RunningSystem, phase: PhaseSpec): Promise<MeasuredPhase> {
  const pids = system.serverPids;
  const cpuBefore = sum(pids, processCpuSeconds);
  const machineBefore = machineCpu();
  const startMs = performance.now();
  const result = await generator.run(phase);
  const wallSeconds = (performance.now() - startMs) / 1000;
  const measured: MeasuredPhase = {
    ...result,
    serverCpuShare: pids.length === 0 ? null : (sum(pids, processCpuSeconds) - cpuBefore) / wallSeconds,
    machineBusyShare: machineBusyShare(machineBefore, machineCpu()),
    serverRssBytes: pids.length === 0 ? null : sum(pids, processRssBytes),
  };
  const cpu = `cpu server ${measured.serverCpuShare === null ? 'in-process' : `${Math.round(measured.serverCpuShare * 100)}%`}, client ${Math.round(measured.clientCpuShare * 100)}%, machine ${Math.round(measured.machineBusyShare * 100)}%`;
  log(`${system.name} ${phase.name}: ${Math.round(result.opsPerSecond)}/s ${result.mbPerSecond.toFixed(1)} MB/s p50 ${result.p50Ms.toFixed(2)} ms p99 ${result.p99Ms.toFixed(2)} ms, ${cpu}${result.errors > 0 ? `, ${result.errors} errors (${result.firstError ?? ''})` : ''}`);
  return measured;
}

async function benchSystem(name: SystemName): Promise<{ results: SystemResults; large: LargeRunResults | null }> {
  if (name === 'etcd') {
    const skip = ensureEtcd(log);
    if (skip !== null) { log(skip); return { results: { skipped: skip, phases: {} }, large: null }; }
  }
  const phases: Record<string, MeasuredPhase> = {};
  let large: LargeRunResults | null = null;
  let system: RunningSystem | null = null;
  let generator: GeneratorClient | null = null;
  try {
    log(`starting ${name}`);
    system = await startSystem(name);
    running.add(system);
    generator = await GeneratorClient.open(system.target);
    let loadedKeys = mode.keys;
    if (name !== 'raw-http') {
      const load = await measure(generator, system, loadPhase(mode));
      phases[phaseName.load] = load;
      loadedKeys = load.ops;
    }
    for (const phase of standardPhases(mode, loadedKeys)) phases[phase.name] = await measure(generator, system, phase);
    if (name === 'tessera-http') large = await largeRun(generator, system, phases);
    return { results: { skipped: null, phases }, large };
  } catch (error) {
    const why = `failed: ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}`;
    log(`${name} ${why}`);
    return { results: { skipped: why, phases }, large };
  } finally {
    await generator?.close().catch(() => undefined);
    if (system !== null) { await system.stop(); running.delete(system); }
  }
}

async function largeRun(generator: GeneratorClient, system: RunningSystem, phases: Record<string, MeasuredPhase>): Promise<LargeRunResults> {
  const rssBeforeBytes = sum(system.serverPids, processRssBytes);
  const [loadSpec] = largePhases(mode, null);
  const load = await measure(generator, system, loadSpec!);
  phases[phaseName.largeLoad] = load;
  const rssAfterBytes = sum(system.serverPids, processRssBytes);
  const loadedKeys = load.ops;
  for (const phase of largePhases(mode, loadedKeys)) phases[phase.name] = await measure(generator, system, phase);
  return {
    targetKeys: mode.largeKeys, loadedKeys, loadSeconds: load.seconds, nodes: BENCH_NODES, rssBeforeBytes, rssAfterBytes,
    rssPerNodePerMillionBytes: loadedKeys === 0 ? 0 : ((rssAfterBytes - rssBeforeBytes) / BENCH_NODES / loadedKeys) * 1e6,
  };
}

async function attempt<T>(what: string, run: () => Promise<T>, problems: string[]): Promise<T | null> {
  log(what);
  try {
    return await run();
  } catch (error) {
    problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

function git(...gitArgs: string[]): string {
  try { return execFileSync('git', gitArgs, { cwd: ROOT_DIR }).toString().trim(); } catch { return ''; }
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const startMs = performance.now();
  log(`${mode.name} mode: ${mode.phaseMs / 1000} s per phase, ${mode.keys} keys, large run ${mode.largeKeys} keys; the machine may be shared, so the numbers are noisy`);
  const systems: Partial<Record<SystemName, SystemResults>> = {};
  let large: LargeRunResults | null = null;
  for (const name of ALL_SYSTEMS.filter((s) => chosen.includes(s))) {
    const done = await benchSystem(name);
    systems[name] = done.results;
    large ??= done.large;
  }
  const problems: string[] = [];
  let migration: MigrationResults | null = null;
  let placement: PlacementRow[] | null = null;
  let simulator: SimulatorResults | null = null;
  if (withExtras) {
    migration = await attempt('migration and rebuild (bench/migration.ts)', () => runMigration(mode), problems);
    placement = await attempt('placement (bench/placement.ts)', () => runPlacement(mode), problems);
    simulator = await attempt('simulator (bench/simulator.ts)', () => runSimulator(mode), problems);
  }
  const partial: Omit<BenchResults, 'goals'> = {
    version: 1, startedAt, mode: mode.name, keys: mode.keys, durationSeconds: (performance.now() - startMs) / 1000,
    machine: { cores: availableParallelism(), memoryBytes: totalmem(), kernel: release(), node: process.version, cpuModel: cpus()[0]?.model ?? 'unknown' },
    commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    systems, large, migration, placement, simulator, problems,
  };
  const results: BenchResults = { ...partial, goals: judgeGoals(partial) };
  const previous = previousRun(mode.name);
  const file = saveRun(results);
  console.log(`\n${renderHeader(results)}\n\n${renderTable(results, previous)}\n\nGoals (issue 18), ratios of the same run:\n${renderGoals(results)}\n`);
  console.log(`written: ${file} and bench/results/latest.json${previous === null ? '' : `; compared with the ${previous.mode} run of ${previous.startedAt}`}`);
}

await main();
process.exit(0);
