'use client';
// Failover drills: choose and configure a scenario, rehearse it in the simulator or run it live
// (the operator types the cluster's name), watch its timeline and charts while it runs, and
// read and compare past reports.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ScenarioId } from '@/engine/drills/scenarios';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';
import { DrillCharts } from './drill-charts';
import { DrillReportView, TimelineList } from './drill-report-view';
import { DrillCompare } from './drill-compare';

const ROLE_RANK = { viewer: 0, operator: 1, admin: 2 } as const;
const inputClass = 'rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700';
const buttonClass = 'rounded border border-slate-400 px-3 py-1 text-sm disabled:opacity-40 hover:bg-slate-100 dark:hover:bg-slate-900';

export function DrillsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const catalogue = useQuery(trpc.drills.scenarios.queryOptions());
  const status = useQuery({ ...trpc.drills.status.queryOptions(), refetchInterval: 500 });
  const history = useQuery({ ...trpc.drills.history.queryOptions(), refetchInterval: status.data?.running === true ? 1_000 : 5_000 });
  const [scenario, setScenario] = useState<ScenarioId>('node-kill');
  const [mode, setMode] = useState<'rehearsal' | 'live'>('rehearsal');
  const [target, setTarget] = useState('');
  const [seconds, setSeconds] = useState('');
  const [seed, setSeed] = useState('');
  const [concurrency, setConcurrency] = useState('');
  const [writePercent, setWritePercent] = useState('');
  const [keySpace, setKeySpace] = useState('');
  const [valueBytes, setValueBytes] = useState('');
  const [confirm, setConfirm] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [compare, setCompare] = useState<string[]>([]);
  const run = useMutation(trpc.drills.run.mutationOptions({ onSuccess: async () => { setSelected(null); setConfirm(''); await queryClient.invalidateQueries(); } }));
  const canOperate = ROLE_RANK[me.data?.role ?? 'viewer'] >= ROLE_RANK.operator;
  const info = catalogue.data?.scenarios.find((s) => s.id === scenario);
  const clusterName = catalogue.data?.cluster.name ?? '';
  const running = status.data?.running === true;
  const reportId = selected ?? (running ? null : status.data?.reportId ?? null);
  const report = useQuery({ ...trpc.drills.report.queryOptions({ id: reportId ?? 'drill-00000000T000000-000000' }), enabled: reportId !== null });
  const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));
  const targets = info?.targetKind === 'drive' ? catalogue.data?.drives ?? [] : catalogue.data?.nodes ?? [];
  const liveBlocked = mode === 'live' && confirm !== clusterName;
  const submit = (): void => {
    const load = { concurrency: num(concurrency), writePercent: num(writePercent), keySpace: num(keySpace), valueBytes: num(valueBytes) };
    run.mutate({
      scenario, mode, target: target === '' ? null : target, durationSeconds: num(seconds), seed: mode === 'rehearsal' ? num(seed) : undefined,
      load: Object.fromEntries(Object.entries(load).filter(([, v]) => v !== undefined)), confirm: mode === 'live' ? confirm : undefined,
    });
  };
  const progress = status.data?.progress;
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Failover drills</h1>
      <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">A drill breaks something on purpose under a client workload and reports what it cost: the unavailability window per affected slice, operations, latency, acknowledged writes lost (must be 0) and the linearizability of the recorded history. A rehearsal runs the same scenario in the deterministic simulator on a copy of this cluster&apos;s shape (replayable by seed); a live drill breaks this cluster and restores it.</p>
      <form aria-label="Configure a drill" className="flex max-w-3xl flex-col gap-3" onSubmit={(e) => { e.preventDefault(); if (!liveBlocked) submit(); }}>
        <div className="flex flex-wrap gap-4">
          <label className="flex flex-col text-sm">Scenario
            <select className={inputClass} value={scenario} onChange={(e) => { setScenario(e.target.value as ScenarioId); setTarget(''); }}>
              {(catalogue.data?.scenarios ?? []).map((s) => <option key={s.id} value={s.id}>{s.title}</option>)}
            </select>
          </label>
          <fieldset className="flex flex-col text-sm"><legend>Mode</legend>
            <div className="flex gap-3 py-1">
              <label><input type="radio" name="mode" value="rehearsal" checked={mode === 'rehearsal'} onChange={() => setMode('rehearsal')} /> Rehearsal (simulator)</label>
              <label><input type="radio" name="mode" value="live" checked={mode === 'live'} onChange={() => setMode('live')} /> Live (this cluster)</label>
            </div>
          </fieldset>
          {info !== undefined && info.targetKind !== 'none' && (
            <label className="flex flex-col text-sm">Target {info.targetKind}
              <select className={inputClass} value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="">pick one (holds primaries, not the leader)</option>
                {targets.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            </label>
          )}
          <label className="flex flex-col text-sm">Duration (s)
            <input className={`${inputClass} w-24`} inputMode="numeric" value={seconds} placeholder={String((info?.defaultDurationMs ?? 5000) / 1000)} onChange={(e) => setSeconds(e.target.value)} />
          </label>
          {mode === 'rehearsal' && (
            <label className="flex flex-col text-sm">Seed (empty: random)
              <input className={`${inputClass} w-32`} inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} />
            </label>
          )}
        </div>
        {info !== undefined && <p className="text-sm text-slate-500">{info.description}</p>}
        <fieldset className="flex flex-wrap gap-4 text-sm"><legend className="font-semibold">Workload</legend>
          <label className="flex flex-col">Clients<input className={`${inputClass} w-20`} inputMode="numeric" value={concurrency} placeholder={String(catalogue.data?.defaults.concurrency ?? 16)} onChange={(e) => setConcurrency(e.target.value)} /></label>
          <label className="flex flex-col">Writes (%)<input className={`${inputClass} w-20`} inputMode="numeric" value={writePercent} placeholder={String(catalogue.data?.defaults.writePercent ?? 70)} onChange={(e) => setWritePercent(e.target.value)} /></label>
          <label className="flex flex-col">Keys<input className={`${inputClass} w-24`} inputMode="numeric" value={keySpace} placeholder={String(catalogue.data?.defaults.keySpace ?? 128)} onChange={(e) => setKeySpace(e.target.value)} /></label>
          <label className="flex flex-col">Value bytes<input className={`${inputClass} w-24`} inputMode="numeric" value={valueBytes} placeholder={String(catalogue.data?.defaults.valueBytes ?? 256)} onChange={(e) => setValueBytes(e.target.value)} /></label>
        </fieldset>
        {mode === 'live' && (
          <label className="flex flex-col text-sm text-amber-700 dark:text-amber-400">A live drill breaks cluster {clusterName} on purpose. Type its name to confirm.
            <input className={`${inputClass} w-64`} aria-label="Cluster name to confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
          </label>
        )}
        <div className="flex items-center gap-3">
          <button type="submit" className={buttonClass} disabled={!canOperate || running || run.isPending || liveBlocked}>{mode === 'live' ? 'Run live drill' : 'Run rehearsal'}</button>
          {!canOperate && <span className="text-sm text-slate-500">Running drills needs the operator role.</span>}
          {run.isError && <span role="alert" className="text-sm text-red-600">{run.error.message}</span>}
        </div>
      </form>
      {status.data !== null && status.data !== undefined && (
        <section aria-label="Current drill" className="flex flex-col gap-2">
          <h2 className="text-lg font-semibold">{running ? 'Running' : 'Last'} drill: {status.data.scenario} ({status.data.mode})</h2>
          <div className="flex flex-wrap items-center gap-2 text-sm" aria-live="polite">
            <Badge tone={running ? 'warn' : status.data.error === null ? 'good' : 'bad'}>{running ? progress?.phase ?? 'starting' : status.data.error === null ? 'done' : 'failed'}</Badge>
            <span>{((progress?.elapsedMs ?? 0) / 1000).toFixed(1)} s{status.data.mode === 'rehearsal' ? ' of virtual time' : ''}, {progress?.opsOk ?? 0} ops ok, {progress?.opsFailed ?? 0} failed</span>
            {status.data.error !== null && <span role="alert" className="text-red-600">{status.data.error}</span>}
          </div>
          {running && progress !== null && progress !== undefined && (
            <>
              <TimelineList timeline={progress.timeline} />
              <DrillCharts series={progress.series} />
            </>
          )}
        </section>
      )}
      {report.data !== undefined && reportId !== null && <DrillReportView report={report.data} />}
      <section aria-label="Drill history" className="flex flex-col gap-2">
        <h2 className="text-lg font-semibold">History</h2>
        <p className="text-sm text-slate-500">The last {catalogue.data?.limits.historyMax ?? 100} reports. Tick two to compare.</p>
        <table className="w-full max-w-5xl text-left text-sm">
          <thead><tr><th>Compare</th><th>Drill</th><th>Scenario</th><th>Mode</th><th>Window p50 / p99 / max</th><th>Ops ok / failed</th><th>Lost</th><th>Result</th></tr></thead>
          <tbody>
            {(history.data ?? []).map((h) => (
              <tr key={h.id}>
                <td><input type="checkbox" aria-label={`Compare ${h.id}`} checked={compare.includes(h.id)} onChange={(e) => setCompare((c) => (e.target.checked ? [...c, h.id].slice(-2) : c.filter((id) => id !== h.id)))} /></td>
                <td><button type="button" className="underline" onClick={() => setSelected(h.id)}>{h.id}</button></td>
                <td>{h.scenario}</td><td>{h.mode}{h.seed === null ? '' : ` (seed ${h.seed})`}</td>
                <td>{h.windowMsP50 ?? '—'} / {h.windowMsP99 ?? '—'} / {h.windowMsMax ?? '—'} ms</td>
                <td>{h.opsOk} / {h.opsFailed}</td><td>{h.ackedWritesLost}</td>
                <td><Badge tone={h.passed ? 'good' : 'bad'}>{h.passed ? 'passed' : 'failed'}</Badge></td>
              </tr>
            ))}
          </tbody>
        </table>
        {compare.length === 2 && <DrillCompare ids={compare} />}
      </section>
    </div>
  );
}
