'use client';
// The Drives page: health of every NVMe drive from the drive model (endurance used at 5 DWPD,
// write rate against the daily budget, predicted life, temperature, media errors, state), fault
// drills (fail, slow, error-prone, clear), replacement, the re-protection windows measured on
// this cluster and the mean time to data loss with its inputs.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';
import { confirmAction, confirmByTypingName } from '../ui/confirm';
import { QueryError } from '../ui/query-error';
import { RefreshControl, useRefreshInterval } from '../ui/refresh-control';
import { Skeleton } from '../ui/skeleton';

/** What the state column says: a drive that is ok but still getting its copies back is rebuilding. */
function shownState(d: { state: keyof typeof TONE; generation: number; copiesToRebuild: number; copiesHeld: number }): { text: string; tone: 'good' | 'warn' | 'bad' | 'neutral' } {
  if (d.state === 'ok' && d.copiesToRebuild > 0) return { text: 'rebuilding', tone: 'warn' };
  // Replaced and still empty: the rebalance that fills it has not started yet.
  if (d.state === 'ok' && d.generation > 0 && d.copiesHeld === 0) return { text: 'rebuilding', tone: 'warn' };
  return { text: d.state, tone: TONE[d.state] };
}

const buttonClass = 'rounded border border-slate-400 px-2 py-0.5 text-xs disabled:opacity-40 hover:bg-slate-100 dark:hover:bg-slate-900';
const ROLE_RANK = { viewer: 0, operator: 1, admin: 2 } as const;
const TONE = { ok: 'good', warning: 'warn', failed: 'bad', removed: 'neutral' } as const;
const MB = 1_000_000;

function bytes(n: number): string {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)} TB`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  return `${(n / MB).toFixed(1)} MB`;
}

function lifeText(days: number | null): string {
  if (days === null) return 'not wearing';
  if (days > 365 * 100) return '> 100 years';
  return days > 365 ? `${(days / 365).toFixed(1)} years` : `${days.toFixed(0)} days`;
}

export function DrivesView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const refreshInterval = useRefreshInterval(2);
  const drives = useQuery({ ...trpc.drives.list.queryOptions(), refetchInterval: refreshInterval.intervalMs });
  const mttdl = useQuery({ ...trpc.drives.mttdl.queryOptions(), refetchInterval: refreshInterval.intervalMs === false ? false : Math.max(5_000, refreshInterval.intervalMs) });
  const [mismatch, setMismatch] = useState<string | null>(null);
  const refresh = async (): Promise<void> => { await queryClient.invalidateQueries(); };
  const inject = useMutation(trpc.drives.inject.mutationOptions({ onSuccess: refresh }));
  const replace = useMutation(trpc.drives.replace.mutationOptions({ onSuccess: refresh }));
  const [slowMs, setSlowMs] = useState('50');
  const canOperate = ROLE_RANK[me.data?.role ?? 'viewer'] >= ROLE_RANK.operator;
  const estimate = mttdl.data?.estimate ?? null;
  const slowProblem = /^\d+$/.test(slowMs.trim()) && Number(slowMs) >= 1 && Number(slowMs) <= 60_000 ? null : 'Slow-drive latency: a whole number of ms in 1..60000';
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Drives</h1>
        <RefreshControl refresh={refreshInterval} updatedAtMs={drives.dataUpdatedAt} fetching={drives.isFetching} />
      </header>
      <section aria-label="Mean time to data loss" className="flex flex-col gap-1 text-sm">
        <h2 className="text-lg font-semibold">Mean time to data loss</h2>
        {mttdl.isError ? <QueryError what="the MTTDL estimate" error={mttdl.error} onRetry={() => void mttdl.refetch()} retrying={mttdl.isFetching} />
          : mttdl.data === undefined ? <Skeleton label="loading the MTTDL estimate" className="h-12 max-w-2xl" />
            : estimate === null ? <p>Not enough drives in service for an estimate.</p> : (
          <>
            <p><span className="text-xl font-semibold">{estimate.mttdlYears.toExponential(2)} years</span> ({estimate.formula})</p>
            <p className="text-slate-600 dark:text-slate-400">
              {estimate.inputs.driveCount} drives in service · MTBF {estimate.inputs.mtbfHours.toLocaleString('en-US')} h ·
              rebuild window {(estimate.inputs.rebuildHours * 3600).toFixed(1)} s ({estimate.rebuildSource}{estimate.rebuildCause === null ? '' : `, after ${estimate.rebuildCause}`}) ·
              {` ${estimate.inputs.peersPerDrive} peer drives per drive`}
            </p>
            <p className="text-xs text-slate-500">{estimate.caveat}</p>
          </>
        )}
      </section>
      {[inject, replace].filter((m) => m.isError).map((m, i) => <p key={i} role="alert" className="text-sm text-red-600">{m.error.message}</p>)}
      {mismatch !== null && <p role="alert" className="text-sm text-red-600">{mismatch}</p>}
      {drives.isError && <QueryError what="drives" error={drives.error} onRetry={() => void drives.refetch()} retrying={drives.isFetching} />}
      <label className="text-sm">Slow-drive latency (ms){' '}
        <input aria-label="Slow-drive latency (ms)" value={slowMs} onChange={(e) => setSlowMs(e.target.value)} inputMode="numeric"
          className="w-24 rounded border border-slate-300 bg-transparent px-2 py-1 text-right dark:border-slate-700" />
      </label>
      {slowProblem !== null && <p role="alert" className="text-sm text-red-600">{slowProblem}</p>}
      {drives.data === undefined && !drives.isError && <Skeleton label="loading drives" className="h-64" />}
      <table aria-label="drives" className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
          <tr><th>drive</th><th>state</th><th>VNs</th><th>written</th><th>used (5 DWPD)</th><th>write rate / budget per day</th><th>predicted life</th><th>temp (model)</th><th>media errors</th><th>fault</th><th>drills</th></tr>
        </thead>
        <tbody>
          {(drives.data ?? []).map((d) => (
            <tr key={d.id} className="border-t border-slate-200 align-top dark:border-slate-800">
              <td className="py-1 font-mono text-xs">{d.id}</td>
              <td><Badge tone={shownState(d).tone} label={`${d.id} state`}>{shownState(d).text}</Badge>
                {d.copiesToRebuild > 0 && <div className="text-xs text-slate-500">{d.copiesToRebuild} copies to go</div>}
                {d.warnings.length > 0 && <div className="text-xs text-amber-700 dark:text-amber-300">{d.warnings.join('; ')}</div>}</td>
              <td className="text-xs">{d.vnIds.join(', ')}</td>
              <td>{bytes(d.bytesWritten)}</td>
              <td>{d.percentageUsed.toFixed(5)}%</td>
              <td>{bytes(d.writeRateBytesPerDay)} / {bytes(d.dailyWriteBudgetBytes)}</td>
              <td>{lifeText(d.predictedRemainingLifeDays)}</td>
              <td>{d.temperatureC} °C</td>
              <td>{d.mediaErrors}</td>
              <td className="text-xs">{d.fault === null ? '-' : d.fault.mode}</td>
              <td className="flex flex-wrap gap-1 py-1">
                <button type="button" className={buttonClass} disabled={!canOperate || d.state === 'failed'} aria-label={`Fail ${d.id}`}
                  onClick={() => { setMismatch(null); if (confirmAction(`Fail ${d.id}? Its VNs stop serving and their slices fail over.`)) inject.mutate({ driveId: d.id, fault: { mode: 'failed' } }); }}>Fail</button>
                <button type="button" className={buttonClass} disabled={!canOperate || d.state === 'failed' || slowProblem !== null} aria-label={`Slow ${d.id}`}
                  onClick={() => { setMismatch(null); if (confirmAction(`Slow ${d.id} down by ${Number(slowMs)} ms per operation? Requests on its VNs get slower until you clear it.`)) inject.mutate({ driveId: d.id, fault: { mode: 'slow', extraLatencyMs: Number(slowMs) } }); }}>Slow</button>
                <button type="button" className={buttonClass} disabled={!canOperate || d.state === 'failed'} aria-label={`Errors on ${d.id}`}
                  onClick={() => { setMismatch(null); if (confirmAction(`Make 1% of reads on ${d.id} return damaged data? Checksums catch them and the other copy repairs, until you clear it.`)) inject.mutate({ driveId: d.id, fault: { mode: 'errors', errorProbability: 0.01 } }); }}>Errors</button>
                <button type="button" className={buttonClass} disabled={!canOperate || d.state === 'failed' || d.fault === null} aria-label={`Clear fault on ${d.id}`}
                  onClick={() => inject.mutate({ driveId: d.id, fault: { mode: 'none' } })}>Clear</button>
                <button type="button" className={buttonClass} disabled={!canOperate || replace.isPending} aria-label={`Replace ${d.id}`}
                  onClick={() => {
                    const answer = confirmByTypingName(d.id, `Replace ${d.id} with a new, empty drive?`);
                    setMismatch(answer.kind === 'mismatch' ? answer.message : null);
                    if (answer.kind === 'confirmed') replace.mutate({ driveId: d.id });
                  }}>Replace</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section aria-label="Re-protection windows" className="flex flex-col gap-1 text-sm">
        <h2 className="text-lg font-semibold">Re-protection windows</h2>
        {mttdl.data === undefined ? <Skeleton label="loading re-protection windows" className="h-8 max-w-2xl" /> : mttdl.data.rebuilds.length === 0 ? <p className="text-slate-500">None measured yet: a failed drive or node opens one.</p> : (
          <ul>{mttdl.data.rebuilds.map((w, i) => (
            <li key={i}>{new Date(w.startedAtWallMs).toISOString().replace('T', ' ').slice(0, 19)} UTC · {w.cause} · {w.slicesDegradedMax} slices degraded · {w.durationMs === null ? 'in progress' : `${(w.durationMs / 1000).toFixed(1)} s to two copies`}</li>
          ))}</ul>
        )}
      </section>
    </div>
  );
}
