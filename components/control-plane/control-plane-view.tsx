'use client';
// The Control plane page: the Raft group that decides membership and slice maps.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';

export function ControlPlaneView() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.controlPlane.status.queryOptions(), refetchInterval: 2_000 });
  if (status.isError) return <p role="alert">Could not load the Raft status: {status.error.message}</p>;
  const members = status.data ?? [];
  const leader = members.find((m) => m.role === 'leader');
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Control plane</h1>
      <p className="text-sm">
        Raft leader: <strong aria-label="raft leader">{leader?.id ?? 'none'}</strong> · term <strong aria-label="raft term">{leader?.term ?? '-'}</strong> · voters {leader?.voters.join(', ') ?? '-'}
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
    </div>
  );
}
