'use client';
// The Regions page: this cluster's region and role, the write lease, and what each arbitrator
// instance said at the last poll; the planned switchover's first step (fence) for admins.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '../badge';
import { useTRPC } from '../trpc';

const ROLE_RANK = { viewer: 0, operator: 1, admin: 2 } as const;

export function RegionsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const status = useQuery({ ...trpc.region.status.queryOptions(), refetchInterval: 1_000 });
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const fence = useMutation(trpc.region.fence.mutationOptions({ onSuccess: async () => { setTyped(''); await queryClient.invalidateQueries(); } }));
  const isAdmin = ROLE_RANK[me.data?.role ?? 'viewer'] >= ROLE_RANK.admin;

  if (status.isError) {
    return (
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-bold">Regions</h1>
        <p role="alert">Could not load the region status: {status.error.message} <button type="button" className="underline" onClick={() => void status.refetch()}>Retry</button></p>
      </div>
    );
  }
  if (status.isPending) {
    return (
      <div className="flex flex-col gap-2" aria-busy="true">
        <h1 className="text-2xl font-bold">Regions</h1>
        <div className="h-24 max-w-3xl animate-pulse rounded bg-slate-100 dark:bg-slate-900" />
      </div>
    );
  }
  const region = status.data;
  if (region === null) {
    return (
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-bold">Regions</h1>
        <p className="max-w-3xl text-sm">This cluster runs alone: its <code>cluster.yml</code> has no <code>region:</code> block. Add one (the region id, the other regions&apos; URLs and the arbitrators) to run it as one region of two; docs/REGIONS.md says how.</p>
      </div>
    );
  }
  const tone = region.writable ? 'good' : region.role === 'passive' ? 'neutral' : 'warn';
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Regions</h1>
      <section aria-label="this region" className="flex flex-col gap-1 text-sm">
        <p>Region <strong className="font-mono">{region.id}</strong> · role <Badge tone={region.role === 'active' ? 'good' : 'neutral'} label="region role">{region.role}</Badge> · writes <Badge tone={tone} label="region writes">{region.writable ? 'accepted' : 'refused'}</Badge></p>
        {region.reason !== null && <p className="text-slate-600 dark:text-slate-300">{region.reason}</p>}
        <p>Arbitrators say: {region.answer === null ? 'no majority answer yet' : <>generation <strong>{region.answer.generation}</strong>, active <strong className="font-mono">{region.answer.active}</strong>, secondary <span className="font-mono">{region.answer.secondary}</span>{region.answer.handoff === true ? ' (planned handoff)' : ''}</>}</p>
        {region.activeUrl !== null && <p>Writes go to the active region at <a className="underline" href={region.activeUrl}>{region.activeUrl}</a>.</p>}
        <p className="text-slate-500">Last poll {region.lastPollAgoMs === null ? 'not yet' : `${(region.lastPollAgoMs / 1000).toFixed(1)} s ago`}.</p>
      </section>
      <table aria-label="arbitrators" className="w-full max-w-4xl text-left text-sm">
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400"><tr><th>arbitrator</th><th>answered</th><th>generation</th><th>error</th></tr></thead>
        <tbody>
          {region.arbitrators.map((a) => (
            <tr key={a.url} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1 font-mono">{a.url}</td>
              <td><Badge tone={a.answered ? 'good' : 'bad'}>{a.answered ? 'yes' : 'no'}</Badge></td>
              <td>{a.generation ?? '-'}</td>
              <td>{a.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="max-w-3xl text-xs text-slate-500">Replication between regions is not wired into the cluster yet: a passive region serves what was written to it while it was active.</p>
      {region.role === 'active' && (
        <form aria-label="Fence for a planned switchover" className="flex max-w-3xl flex-col gap-2 rounded border border-slate-200 p-3 text-sm dark:border-slate-800"
          onSubmit={(e) => { e.preventDefault(); if (typed !== region.id) { setMismatch(true); return; } setMismatch(false); fence.mutate(); }}>
          <h2 className="font-semibold">Planned switchover, step 1: fence this region</h2>
          <p>Stops accepting writes here at generation {region.answer?.generation ?? '-'} (a restart stays fenced) and waits for the writes already admitted. Then name the other region with <code>tessera aca set --planned</code>, which hands over without the takeover wait. Writes are refused until the arbitrators name a new generation.</p>
          <label>Type the region id <span className="font-mono">{region.id}</span> to confirm
            <input aria-label="Region id to confirm" value={typed} onChange={(e) => { setTyped(e.target.value); setMismatch(false); }} disabled={!isAdmin}
              aria-invalid={mismatch} aria-describedby={mismatch ? 'fence-mismatch' : undefined}
              className="mt-1 block w-64 rounded border border-slate-300 bg-transparent px-2 py-1 font-mono dark:border-slate-700" />
          </label>
          {mismatch && <p id="fence-mismatch" role="alert" className="text-red-600">That is not this region&apos;s id ({region.id}): nothing was done.</p>}
          <button type="submit" disabled={!isAdmin || fence.isPending} className="w-fit rounded bg-red-700 px-3 py-1.5 text-white disabled:opacity-50">Fence {region.id}</button>
          {!isAdmin && <p className="text-slate-500">Fencing needs the admin role.</p>}
          {fence.isError && <p role="alert" className="text-red-600">{fence.error.message}</p>}
          {fence.isSuccess && <p role="status">Fenced at generation {fence.data.generation}; {fence.data.writesDrained} write(s) drained.</p>}
        </form>
      )}
    </div>
  );
}
