'use client';
// The Overview page: cluster state with its reasons, counts, and every node with VNs and drives.
// Polls every 2 s; React Query never overlaps polls of the same query.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';
import { NodeCard } from './node-card';

export const OVERVIEW_REFRESH_MS = 2_000;

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg border border-slate-200 px-4 py-3 dark:border-slate-800">
      <div className="text-xs uppercase text-slate-500 dark:text-slate-400">{label}</div>
      <div className="text-2xl font-semibold" aria-label={label}>{value}</div>
    </div>
  );
}

export function OverviewView() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.cluster.overview.queryOptions(), refetchInterval: OVERVIEW_REFRESH_MS });

  if (overview.isPending) {
    return <div aria-busy="true" aria-label="loading overview" className="h-40 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-900" />;
  }
  if (overview.isError) {
    return (
      <div role="alert" className="rounded-lg border border-red-300 p-4 text-red-800 dark:border-red-800 dark:text-red-200">
        <p>Could not load the cluster overview: {overview.error.message}</p>
        <button type="button" onClick={() => void overview.refetch()} className="mt-2 rounded bg-red-700 px-3 py-1 text-sm text-white">Retry</button>
      </div>
    );
  }
  const o = overview.data;
  return (
    <div className="flex flex-col gap-6">
      <header>
        <h1 className="text-2xl font-bold">Overview</h1>
        <p className="text-sm text-slate-500 dark:text-slate-400">
          cluster <span className="font-semibold">{o.name}</span> · id <span className="font-mono" aria-label="cluster id">{o.clusterId}</span>
        </p>
        <div className="mt-3 flex flex-wrap items-center gap-2" aria-label="cluster state">
          <Badge tone={o.availability === 'online' ? 'good' : 'bad'} label="availability">{o.availability}</Badge>
          <Badge tone={o.redundancy === 'healthy' ? 'good' : 'warn'} label="redundancy">{o.redundancy}</Badge>
          <Badge tone={o.balance.state === 'balanced' ? 'good' : 'warn'} label="balance">{o.balance.state}</Badge>
          {o.reasons.map((reason) => <span key={reason} className="text-sm text-slate-600 dark:text-slate-300">{reason}</span>)}
        </div>
      </header>
      <section aria-label="counts" className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Nodes up" value={`${o.counts.nodesUp} / ${o.counts.nodesTotal}`} />
        <Stat label="Virtual nodes" value={String(o.counts.vns)} />
        <Stat label="Drives" value={String(o.counts.drives)} />
        <Stat label="Containers" value={String(o.counts.containers)} />
        <Stat label="Slices with 2 copies" value={String(o.counts.slicesTwoCopies)} />
        <Stat label="Slices with 1 copy" value={String(o.counts.slicesOneCopy)} />
        <Stat label="Slices with 0 copies" value={String(o.counts.slicesNoCopy)} />
        <Stat label="Primaries per VN" value={`${o.balance.primariesMin}..${o.balance.primariesMax}`} />
        <Stat label="Secondaries per VN" value={`${o.balance.secondariesMin}..${o.balance.secondariesMax}`} />
        <Stat label="Controller leader" value={o.controller.leaderId ?? 'none'} />
        <Stat label="Uptime" value={`${Math.floor(o.uptimeMs / 60_000)} min`} />
        <Stat label="Longest stall (10 min)" value={o.longestStallMs === null ? 'n/a' : `${o.longestStallMs} ms`} />
      </section>
      <section aria-label="nodes">
        <h2 className="mb-3 text-lg font-semibold">Nodes</h2>
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 xl:grid-cols-3">
          {o.nodes.map((node) => <NodeCard key={node.id} node={node} />)}
        </div>
      </section>
    </div>
  );
}
