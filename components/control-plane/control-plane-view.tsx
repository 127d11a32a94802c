'use client';
// The Control plane page: the Raft group that decides membership and slice maps. A skeleton
// until the first answer (never "leader: none" while loading), the error with Retry.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';
import { QueryView } from '../ui/query-view';
import { RefreshControl, useRefreshInterval } from '../ui/refresh-control';

export function ControlPlaneView() {
  const trpc = useTRPC();
  const refresh = useRefreshInterval(2);
  const status = useQuery({ ...trpc.controlPlane.status.queryOptions(), refetchInterval: refresh.intervalMs });
  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Control plane</h1>
        <RefreshControl refresh={refresh} updatedAtMs={status.dataUpdatedAt} fetching={status.isFetching} />
      </header>
      <QueryView query={status} what="the Raft status" skeletonClass="h-40">
        {(members) => {
          const leader = members.find((m) => m.role === 'leader');
          return (
            <>
              <p className="text-sm">
                Raft leader: <strong aria-label="raft leader">{leader?.id ?? 'none (election in progress)'}</strong> · term <strong aria-label="raft term">{leader?.term ?? '-'}</strong> · voters {leader?.voters.join(', ') ?? '-'}
              </p>
              <table aria-label="raft members" className="w-full max-w-4xl text-left text-sm">
                <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
                  <tr><th>node</th><th>role</th><th>term</th><th>commit</th><th>applied</th><th>log (first..last)</th><th>snapshot</th></tr>
                </thead>
                <tbody>
                  {members.map((m) => (
                    <tr key={m.id} className="border-t border-slate-200 dark:border-slate-800">
                      <td className="py-1 font-mono">{m.id}</td>
                      <td><Badge tone={m.role === 'leader' ? 'good' : m.role === 'follower' ? 'neutral' : 'warn'}>{m.role}</Badge></td>
                      <td>{m.term}</td><td>{m.commitIndex}</td><td>{m.appliedIndex}</td>
                      <td>{m.firstIndex}..{m.lastIndex}</td><td>{m.snapshotIndex}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </QueryView>
    </div>
  );
}
