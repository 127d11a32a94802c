'use client';
// Scale-out and the long-running operations: a form with a preview of the moves before the
// operator confirms, then the running operation's progress (moves, bytes, rate, ETA) with a
// cancel, and the recent operations below. Polls once a second while something runs.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';
import { confirmAction } from '../ui/confirm';
import { DelayedSpinner } from '../ui/delayed-spinner';
import { QueryError } from '../ui/query-error';
import { Skeleton } from '../ui/skeleton';

const buttonClass = 'rounded border border-slate-400 px-2 py-1 text-sm disabled:opacity-40 hover:bg-slate-100 dark:hover:bg-slate-900';
const inputClass = 'w-20 rounded border border-slate-300 bg-transparent px-2 py-1 text-right dark:border-slate-700';
const MB = 1_000_000;

interface Field {
  readonly key: 'nodes' | 'vnsPerNode' | 'drivesPerNode';
  readonly label: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS: readonly Field[] = [
  { key: 'nodes', label: 'Nodes to add', min: 1, max: 16 },
  { key: 'vnsPerNode', label: 'VNs per node', min: 1, max: 16 },
  { key: 'drivesPerNode', label: 'Drives per node', min: 1, max: 16 },
];

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

export function ScaleOutPanel({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Record<Field['key'], string>>({ nodes: '1', vnsPerNode: '4', drivesPerNode: '4' });
  const [rebalanceNote, setRebalanceNote] = useState<string | null>(null);
  const problems = FIELDS.flatMap((f) => {
    const text = draft[f.key].trim();
    const value = Number(text);
    return /^\d+$/.test(text) && value >= f.min && value <= f.max ? [] : [`${f.label}: a whole number in ${f.min}..${f.max}`];
  });
  const shape = { nodes: Number(draft.nodes), vnsPerNode: Number(draft.vnsPerNode), drivesPerNode: Number(draft.drivesPerNode) };
  const preview = useQuery({ ...trpc.topology.scaleOutPreview.queryOptions(shape), enabled: problems.length === 0 });
  const rebalancePreview = useQuery(trpc.topology.rebalancePreview.queryOptions());
  const operations = useQuery({ ...trpc.topology.operations.queryOptions(), refetchInterval: 1_000 });
  const refresh = async (): Promise<void> => { await queryClient.invalidateQueries(); };
  const scaleOut = useMutation(trpc.topology.scaleOut.mutationOptions({ onSuccess: refresh }));
  const cancel = useMutation(trpc.topology.cancel.mutationOptions({ onSuccess: refresh }));
  const rebalance = useMutation(trpc.topology.rebalance.mutationOptions({ onSuccess: refresh }));
  const running = operations.data?.find((op) => op.state === 'running');
  // A preview planned while an operation ran says "operation … is running": plan again as soon
  // as the running operation changes (it finished, was cancelled, or another began).
  const runningId = operations.data === undefined ? undefined : (running?.id ?? null);
  const refetchPreview = preview.refetch;
  const refetchRebalancePreview = rebalancePreview.refetch;
  useEffect(() => {
    if (runningId === undefined) return;
    void refetchPreview();
    void refetchRebalancePreview();
  }, [runningId, refetchPreview, refetchRebalancePreview]);
  const recent = (operations.data ?? []).filter((op) => op.state !== 'running').slice(0, 5);
  const p = preview.data;
  return (
    <section aria-label="Scale-out" className="flex flex-col gap-3">
      <h2 className="text-lg font-semibold">Scale-out and operations</h2>
      <form aria-label="Scale out" className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (problems.length > 0 || p === undefined || p.problem !== null) return;
          if (window.confirm(`Add ${p.nodes.join(', ')}? ${p.plannedMoves} slice copies will be made on them while the cluster keeps serving.`)) scaleOut.mutate(shape);
        }}>
        {FIELDS.map((f) => (
          <label key={f.key} className="flex flex-col text-sm">{f.label}
            <input aria-label={f.label} inputMode="numeric" value={draft[f.key]} disabled={!canOperate} className={inputClass}
              onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })} />
          </label>
        ))}
        <button type="submit" className={buttonClass} disabled={!canOperate || problems.length > 0 || running !== undefined || scaleOut.isPending || p === undefined || p.problem !== null || preview.isFetching}>Scale out</button>
        <button type="button" className={buttonClass} disabled={!canOperate || running !== undefined || rebalance.isPending}
          onClick={() => {
            void rebalancePreview.refetch().then(({ data }) => {
              if (data === undefined) return;
              const question = data.problem !== null ? null
                : data.balanced ? 'Rebalance? The map is already balanced: no copies will move.'
                  : `Rebalance? ${data.plannedMoves} slice copies will move (ideal ${data.idealMoves}) while the cluster keeps serving.`;
              setRebalanceNote(question === null ? `Cannot rebalance now: ${data.problem ?? ''}` : null);
              if (question !== null && confirmAction(question)) rebalance.mutate({ reason: 'operator request from the console' });
            });
          }}>Rebalance</button>
        <DelayedSpinner active={preview.isFetching} label="planning" />
      </form>
      {problems.map((problem) => <p key={problem} role="alert" className="text-sm text-red-600">{problem}</p>)}
      {problems.length === 0 && preview.isError && <QueryError what="the scale-out preview" error={preview.error} onRetry={() => void preview.refetch()} retrying={preview.isFetching} />}
      {problems.length === 0 && p === undefined && !preview.isError && <Skeleton label="loading the scale-out preview" className="h-5 w-96" />}
      {problems.length === 0 && p !== undefined && (
        <p aria-label="Scale-out preview" className="text-sm text-slate-600 dark:text-slate-400">
          {p.problem !== null ? `Cannot plan: ${p.problem}` : `Preview: adds ${p.nodes.join(', ')}; ${p.plannedMoves} copy moves (ideal ${p.idealMoves}${p.idealMoves > 0 ? `, ratio ${(p.plannedMoves / p.idealMoves).toFixed(3)}` : ''}).`}
        </p>
      )}
      {rebalancePreview.data !== undefined && (
        <p aria-label="Rebalance preview" className="text-sm text-slate-600 dark:text-slate-400">
          {rebalancePreview.data.problem !== null ? `Rebalance: cannot plan: ${rebalancePreview.data.problem}`
            : rebalancePreview.data.balanced ? 'Rebalance: the map is balanced; nothing would move.'
              : `Rebalance: ${rebalancePreview.data.plannedMoves} copy moves (ideal ${rebalancePreview.data.idealMoves}).`}
        </p>
      )}
      {rebalanceNote !== null && <p role="alert" className="text-sm text-red-600">{rebalanceNote}</p>}
      {operations.isError && <QueryError what="operations" error={operations.error} onRetry={() => void operations.refetch()} retrying={operations.isFetching} />}
      {[scaleOut, cancel, rebalance].filter((m) => m.isError).map((m, i) => <p key={i} role="alert" className="text-sm text-red-600">{m.error.message}</p>)}
      {running !== undefined && (
        <div role="region" aria-label="Running operation" className="flex max-w-3xl flex-col gap-2 rounded border border-slate-300 p-3 dark:border-slate-700">
          <div className="flex items-center gap-2">
            <Badge tone="warn">running</Badge>
            <span className="font-mono text-sm">{running.id}</span>
            <span className="text-sm">{running.kind}{running.nodes.length > 0 ? ` of ${running.nodes.join(', ')}` : ''}</span>
          </div>
          <progress aria-label="Operation progress" max={100} value={running.percentDone} className="w-full" />
          <p className="text-sm">
            {running.doneMoves} of {running.plannedMoves} copy moves ({running.percentDone.toFixed(1)}%)
            {running.copying !== null ? ` · ${running.copying} slices copying, ${running.blocked ?? 0} waiting` : ''}
            {` · ${(running.bytesCopied / MB).toFixed(1)} MB copied`}
            {running.bytesPerSecond > 0 ? ` at ${(running.bytesPerSecond / MB).toFixed(1)} MB/s` : ''}
            {running.etaSeconds !== null ? ` · ETA ${formatSeconds(running.etaSeconds)}` : ''}
          </p>
          <div>
            <button type="button" className={buttonClass} disabled={!canOperate || cancel.isPending}
              onClick={() => { if (window.confirm(`Cancel ${running.id}? Slices already moved stay where they are; copies in flight are dropped.`)) cancel.mutate({ operationId: running.id, reason: 'cancelled from the console' }); }}>Cancel operation</button>
          </div>
        </div>
      )}
      {recent.length > 0 && (
        <table aria-label="Recent operations" className="w-full max-w-3xl text-left text-sm">
          <thead className="text-xs uppercase text-slate-500 dark:text-slate-400"><tr><th>operation</th><th>kind</th><th>state</th><th>moves</th><th>ideal ratio</th><th>took</th><th>note</th></tr></thead>
          <tbody>
            {recent.map((op) => (
              <tr key={op.id} className="border-t border-slate-200 dark:border-slate-800">
                <td className="py-1 font-mono text-xs">{op.id}</td>
                <td>{op.kind}{op.nodes.length > 0 ? ` ${op.nodes.join(', ')}` : ''}</td>
                <td><Badge tone={op.state === 'done' ? 'good' : 'neutral'}>{op.state}</Badge></td>
                <td>{op.doneMoves}/{op.plannedMoves}</td>
                <td>{op.movesRatio === null ? '-' : op.movesRatio.toFixed(3)}</td>
                <td>{formatSeconds(op.elapsedSeconds)}</td>
                <td className="text-xs">{op.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
