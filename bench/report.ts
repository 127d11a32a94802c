// The one table of a run: every figure beside its baseline and the ratio, the CPU shares of the
// phase, and the change against the previous run of the same mode; then the goals, pass or fail.

import { CONCURRENCIES, LARGE_VALUE_CONCURRENCY, phaseName } from './phases';
import type { SystemName } from './protocol';
import type { BenchResults, MeasuredPhase } from './results';
import { SYSTEM_LABELS } from './systems/system';

export interface Row {
  /** Stable across runs, to find the same figure in the previous result. */
  readonly id: string;
  readonly figure: string;
  readonly system: string;
  /** The number compared with the previous run (higher is better unless `lowerIsBetter`). */
  readonly value: number | null;
  readonly shown: string;
  readonly latency: string;
  readonly cpu: string;
  readonly baseline: string;
  readonly ratio: string;
}

const SYSTEM_ORDER: readonly SystemName[] = ['tessera-http', 'tessera-library', 'etcd', 'lmdb', 'raw-http'];
/** Tessera's baselines: the HTTP API against raw HTTP and etcd, the library against lmdb. */
const BASELINES: Partial<Record<SystemName, readonly SystemName[]>> = { 'tessera-http': ['raw-http', 'etcd'], 'tessera-library': ['lmdb'] };

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (share: number): string => `${Math.round(share * 100)}%`;
const ms = (n: number): string => (n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(2));

function cpuCell(p: MeasuredPhase): string {
  const server = p.serverCpuShare === null ? 'in-proc' : pct(p.serverCpuShare);
  return `${server} / ${pct(p.clientCpuShare)} / ${pct(p.machineBusyShare)}`;
}

function phaseRows(r: BenchResults, phase: string, figure: string, metric: 'opsPerSecond' | 'mbPerSecond'): Row[] {
  const rows: Row[] = [];
  const valueOf = (s: SystemName): number | null => {
    const p = r.systems[s]?.phases[phase];
    return p === undefined || p.ops === 0 ? null : p[metric];
  };
  const show = (p: MeasuredPhase): string => metric === 'mbPerSecond' ? `${p.mbPerSecond.toFixed(1)} MB/s (${int(p.opsPerSecond)}/s)` : `${int(p.opsPerSecond)}/s`;
  for (const s of SYSTEM_ORDER) {
    const system = r.systems[s];
    if (system === undefined) continue;
    const p = system.phases[phase];
    if (p === undefined) {
      if (system.skipped !== null) rows.push({ id: `${s}:${phase}`, figure, system: SYSTEM_LABELS[s], value: null, shown: 'skipped', latency: '', cpu: '', baseline: '', ratio: '' });
      continue;
    }
    const errors = p.errors > 0 ? ` (${int(p.errors)} errors: ${(p.firstError ?? '').slice(0, 60)})` : '';
    const bases = (BASELINES[s] ?? []).filter((b) => r.systems[b]?.phases[phase] !== undefined);
    const value = valueOf(s);
    rows.push({
      id: `${s}:${phase}`, figure, system: SYSTEM_LABELS[s], value,
      shown: `${show(p)}${errors}`,
      latency: `${ms(p.p50Ms)} / ${ms(p.p99Ms)}`,
      cpu: cpuCell(p),
      baseline: bases.map((b) => `${SYSTEM_LABELS[b]} ${show(r.systems[b]!.phases[phase]!)}`).join('; '),
      ratio: bases.map((b) => { const base = valueOf(b); return value === null || base === null ? '—' : `${(value / base).toFixed(2)}×`; }).join('; '),
    });
  }
  return rows;
}

export function tableRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const keys = int(r.keys);
  rows.push(...phaseRows(r, phaseName.load, `load ${keys} keys, 1 KiB, c=128`, 'opsPerSecond'));
  for (const c of CONCURRENCIES) rows.push(...phaseRows(r, phaseName.put(c), `put 1 KiB c=${c}`, 'opsPerSecond'));
  for (const c of CONCURRENCIES) rows.push(...phaseRows(r, phaseName.get(c), `get 1 KiB c=${c}`, 'opsPerSecond'));
  rows.push(...phaseRows(r, phaseName.put64k, `put 64 KiB c=${LARGE_VALUE_CONCURRENCY}`, 'mbPerSecond'));
  const large = r.large;
  const http = r.systems['tessera-http']?.phases;
  if (large !== null && http !== undefined) {
    const load = http[phaseName.largeLoad];
    if (load !== undefined) rows.push({ id: 'large:load', figure: `load ${int(large.targetKeys)} keys, 1 KiB, c=128`, system: 'Tessera HTTP', value: load.opsPerSecond, shown: `${int(large.loadedKeys)} keys in ${large.loadSeconds.toFixed(0)} s = ${int(load.opsPerSecond)}/s`, latency: `${ms(load.p50Ms)} / ${ms(load.p99Ms)}`, cpu: cpuCell(load), baseline: '', ratio: '' });
    for (const [phase, base, what] of [[phaseName.largePut, phaseName.put(16), 'put'], [phaseName.largeGet, phaseName.get(16), 'get']] as const) {
      const p = http[phase];
      const b = http[base];
      if (p === undefined) continue;
      rows.push({ id: `large:${what}`, figure: `${what} 1 KiB c=16 over ${int(large.loadedKeys)} keys`, system: 'Tessera HTTP', value: p.opsPerSecond, shown: `${int(p.opsPerSecond)}/s${p.errors > 0 ? ` (${int(p.errors)} errors)` : ''}`, latency: `${ms(p.p50Ms)} / ${ms(p.p99Ms)}`, cpu: cpuCell(p),
        baseline: b === undefined ? '' : `${keys} keys ${int(b.opsPerSecond)}/s`, ratio: b === undefined || b.opsPerSecond === 0 ? '' : `${(p.opsPerSecond / b.opsPerSecond).toFixed(2)}×` });
    }
    rows.push({ id: 'large:rss', figure: 'resident memory per node per 1 M objects', system: 'Tessera HTTP', value: large.rssPerNodePerMillionBytes / 1e6, shown: `${int(large.rssPerNodePerMillionBytes / 1e6)} MB`, latency: '', cpu: '', baseline: `RSS ${int(large.rssBeforeBytes / 1e6)} → ${int(large.rssAfterBytes / 1e6)} MB, ${large.nodes} nodes`, ratio: '' });
  }
  const m = r.migration;
  if (m !== null) {
    const base = `client writes ${m.writeMBps.toFixed(1)} MB/s`;
    rows.push({ id: 'migration', figure: `scale-out 3 → 4 migration (${int(m.objects)} × ${int(m.objectBytes / 1024)} KiB)`, system: 'Tessera library', value: m.migrationMBps, shown: `${m.migrationMBps.toFixed(1)} MB/s (${m.migratedMB.toFixed(0)} MB)`, latency: '', cpu: '', baseline: base, ratio: `${(m.migrationMBps / m.writeMBps).toFixed(2)}×` });
    rows.push({ id: 'rebuild', figure: 'drive-failure rebuild', system: 'Tessera library', value: m.rebuildMBps, shown: `${m.rebuildMBps.toFixed(1)} MB/s (${m.rebuiltMB.toFixed(0)} MB)`, latency: '', cpu: '', baseline: base, ratio: `${(m.rebuildMBps / m.writeMBps).toFixed(2)}×` });
  }
  const shipped = r.placement?.find((p) => p.nodes === 3 && p.vnsPerNode === 4 && p.slices === 4096);
  const biggest = r.placement?.reduce<typeof shipped>((a, p) => (a === undefined || p.nodes * p.slices * p.vnsPerNode > a.nodes * a.slices * a.vnsPerNode ? p : a), undefined);
  for (const [id, p] of [['placement:shipped', shipped], ['placement:biggest', biggest]] as const) {
    if (p === undefined) continue;
    rows.push({ id, figure: `placement map ${p.nodes} nodes × ${p.vnsPerNode} VNs, ${int(p.slices)} slices`, system: 'engine/placement', value: -p.mapMs, shown: `${p.mapMs.toFixed(1)} ms (scale-out ${p.scaleOutMs.toFixed(0)} ms)`, latency: '', cpu: '', baseline: '', ratio: '' });
  }
  if (r.simulator !== null) rows.push({ id: 'simulator', figure: `cluster-swarm seeds (${r.simulator.seeds})`, system: 'engine/sim', value: r.simulator.seedsPerSecond, shown: `${r.simulator.seedsPerSecond.toFixed(2)} seeds/s`, latency: '', cpu: '', baseline: '', ratio: '' });
  return rows;
}

function change(row: Row, previous: ReadonlyMap<string, number | null> | null): string {
  const before = previous?.get(row.id);
  if (before === undefined || before === null || row.value === null || before === 0) return '';
  // Placement rows carry -ms so that "higher is better" holds for every row.
  const delta = (row.value - before) / Math.abs(before);
  return `${delta >= 0 ? '+' : ''}${Math.round(delta * 100)}%`;
}

export function renderTable(r: BenchResults, previous: BenchResults | null): string {
  const prevRows = previous === null ? null : new Map(tableRows(previous).map((row) => [row.id, row.value]));
  const header = ['figure', 'system', 'rate', 'p50 / p99 ms', 'CPU server / client / machine', 'baseline', 'ratio', previous === null ? 'vs previous' : `vs ${previous.startedAt.slice(0, 16)}`];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of tableRows(r)) lines.push(`| ${[row.figure, row.system, row.shown, row.latency, row.cpu, row.baseline, row.ratio, change(row, prevRows)].join(' | ')} |`);
  return lines.join('\n');
}

export function renderGoals(r: BenchResults): string {
  return r.goals.map((g) => `- ${g.line}`).join('\n');
}

export function renderHeader(r: BenchResults): string {
  const m = r.machine;
  return `Tessera benchmark, ${r.mode} mode, ${r.startedAt} (${r.durationSeconds.toFixed(0)} s), commit ${r.commit.slice(0, 10)}${r.dirty ? ' (uncommitted changes)' : ''}\n`
    + `machine: ${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB, Linux ${m.kernel}, Node ${m.node}\n`
    + 'CPU: share of one core (100% = one core busy) of the server processes and of the load generator; machine = share of all cores busy.'
    + (r.problems.length > 0 ? `\nproblems: ${r.problems.join('; ')}` : '');
}
