'use client';
// Operations: take the cluster or a node offline and back, run a failover drill, change the
// settings (the auto-online timeout first). Every action asks for confirmation, goes through the
// controller and shows up in the events log with the operator's name.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';
import { confirmAction, confirmByTypingName } from '../ui/confirm';
import { QueryError } from '../ui/query-error';
import { Skeleton } from '../ui/skeleton';
import { ScaleOutPanel } from './scale-out-panel';

const ROLE_RANK = { viewer: 0, operator: 1, admin: 2 } as const;
const buttonClass = 'rounded border border-slate-400 px-2 py-1 text-sm disabled:opacity-40 hover:bg-slate-100 dark:hover:bg-slate-900';

export function OperationsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const overview = useQuery({ ...trpc.cluster.overview.queryOptions(), refetchInterval: 1_000 });
  const nodeStates = useQuery({ ...trpc.operations.nodeStates.queryOptions(), refetchInterval: 1_000 });
  const [reason, setReason] = useState('');
  /** What the last typed-name confirmation said when the name did not match. */
  const [mismatch, setMismatch] = useState<string | null>(null);
  const refresh = async (): Promise<void> => { await queryClient.invalidateQueries(); };
  const options = { onSuccess: refresh };
  const clusterOffline = useMutation(trpc.operations.clusterOffline.mutationOptions(options));
  const clusterOnline = useMutation(trpc.operations.clusterOnline.mutationOptions(options));
  const nodeOffline = useMutation(trpc.operations.nodeOffline.mutationOptions(options));
  const nodeOnline = useMutation(trpc.operations.nodeOnline.mutationOptions(options));
  const nodeFail = useMutation(trpc.operations.nodeFail.mutationOptions(options));
  const decommission = useMutation(trpc.topology.decommission.mutationOptions(options));
  const role = me.data?.role ?? 'viewer';
  const canOperate = ROLE_RANK[role] >= ROLE_RANK.operator;
  const why = reason.trim() === '' ? 'operator request from the console' : reason.trim();
  const failures = [clusterOffline, clusterOnline, nodeOffline, nodeOnline, nodeFail, decommission].filter((m) => m.isError);
  const confirmThen = (question: string, action: () => void): void => { setMismatch(null); if (confirmAction(question)) action(); };
  const o = overview.data;
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Operations</h1>
      {me.data !== undefined && me.data !== null && <p className="text-sm text-slate-500">Signed in as {me.data.user} ({me.data.role}).{canOperate ? '' : ' Operations need the operator role.'}</p>}
      <section aria-label="Cluster state" className="flex flex-col gap-2">
        <h2 className="text-lg font-semibold">Cluster</h2>
        {overview.isError && <QueryError what="the cluster state" error={overview.error} onRetry={() => void overview.refetch()} retrying={overview.isFetching} />}
        {o === undefined && !overview.isError && <Skeleton label="loading the cluster state" className="h-6 w-72" />}
        {o !== undefined && (
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={o.availability === 'online' ? 'good' : 'bad'}>{o.availability}</Badge>
            <Badge tone={o.redundancy === 'healthy' ? 'good' : 'warn'}>{o.redundancy}</Badge>
            <ul className="text-sm text-slate-600 dark:text-slate-400">{o.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
          </div>
        )}
        <label className="text-sm">Reason (goes to the events log){' '}
          <input aria-label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700" />
        </label>
        <div className="flex gap-2">
          <button type="button" className={buttonClass} disabled={!canOperate || o?.availability === 'offline'}
            onClick={() => confirmThen('Take the whole cluster offline? It stops serving reads and writes.', () => clusterOffline.mutate({ reason: why }))}>Take cluster offline</button>
          <button type="button" className={buttonClass} disabled={!canOperate || o?.availability === 'online'}
            onClick={() => confirmThen('Bring the whole cluster online? It serves reads and writes again.', () => clusterOnline.mutate({ reason: why }))}>Bring cluster online</button>
        </div>
      </section>
      <section aria-label="Nodes" className="flex flex-col gap-2">
        <h2 className="text-lg font-semibold">Nodes</h2>
        {nodeStates.isError && <QueryError what="node states" error={nodeStates.error} onRetry={() => void nodeStates.refetch()} retrying={nodeStates.isFetching} />}
        {o === undefined && !overview.isError && <Skeleton label="loading nodes" className="h-24 max-w-3xl" />}
        {mismatch !== null && <p role="alert" className="text-sm text-red-600">{mismatch}</p>}
        <table aria-label="nodes" className="w-full max-w-3xl text-left text-sm">
          <thead><tr><th>Node</th><th>Seen as</th><th>Admin state</th><th>Actions</th></tr></thead>
          <tbody>
            {(o?.nodes ?? []).map((node) => {
              const admin = nodeStates.data?.[node.id] ?? '…';
              return (
                <tr key={node.id}>
                  <td className="py-1">{node.id}</td>
                  <td><Badge tone={node.state === 'up' ? 'good' : 'bad'}>{node.state}</Badge></td>
                  <td>{admin}</td>
                  <td className="flex gap-2 py-1">
                    <button type="button" className={buttonClass} disabled={!canOperate || admin === 'offline'} aria-label={`Take ${node.id} offline`}
                      onClick={() => confirmThen(`Take ${node.id} offline? Its slices fail over to their secondaries.`, () => nodeOffline.mutate({ nodeId: node.id, reason: why }))}>Take offline</button>
                    <button type="button" className={buttonClass} disabled={!canOperate || (admin !== 'offline' && node.state === 'up')} aria-label={`Bring ${node.id} online`}
                      onClick={() => confirmThen(`Bring ${node.id} online? It takes slice roles again once it has caught up.`, () => nodeOnline.mutate({ nodeId: node.id, reason: why }))}>Bring online</button>
                    <button type="button" className={buttonClass} disabled={!canOperate || node.state !== 'up'} aria-label={`Fail ${node.id} (drill)`}
                      onClick={() => confirmThen(`Failover drill: stop ${node.id} as if it crashed?`, () => nodeFail.mutate({ nodeId: node.id }))}>Fail (drill)</button>
                    <button type="button" className={buttonClass} disabled={!canOperate || admin === 'draining'} aria-label={`Decommission ${node.id}`}
                      onClick={() => {
                        // Removing a node is destructive: the operator types its name, and hears when it does not match.
                        const answer = confirmByTypingName(node.id, `Decommission ${node.id}? Its slices move to the other nodes, then it leaves the cluster.`);
                        setMismatch(answer.kind === 'mismatch' ? answer.message : null);
                        if (answer.kind === 'confirmed') decommission.mutate({ nodeId: node.id });
                      }}>Decommission</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {failures.map((m, i) => <p key={i} role="alert" className="text-sm text-red-600">{m.error.message}</p>)}
      <ScaleOutPanel canOperate={canOperate} />
      <SettingsForm canEdit={role === 'admin'} />
    </div>
  );
}

const NUMERIC = [
  { key: 'autoOnlineTimeoutSeconds', label: 'Auto-online timeout (seconds, 0 disables)' },
  { key: 'failureDetectionTimeoutMs', label: 'Failure-detection timeout (ms)' },
  { key: 'heartbeatIntervalMs', label: 'Heartbeat interval (ms)' },
  { key: 'rebuildThrottleMBps', label: 'Rebuild throttle (MB/s per node, 0 = unlimited)' },
] as const;

function SettingsForm({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.operations.settings.queryOptions());
  const [draft, setDraft] = useState<Record<string, string>>({});
  const save = useMutation(trpc.operations.setSettings.mutationOptions({
    onSuccess: async () => { setDraft({}); await queryClient.invalidateQueries(); },
  }));
  if (settings.data === undefined) return null;
  const current = settings.data;
  const changes: Record<string, number | string | boolean> = {};
  const problems: string[] = [];
  for (const { key, label } of NUMERIC) {
    const text = draft[key];
    if (text === undefined || text === String(current[key])) continue;
    if (!/^\d+$/.test(text.trim())) problems.push(`${label}: a whole number`);
    else changes[key] = Number(text.trim());
  }
  const policy = draft['degradedWritePolicy'];
  if (policy !== undefined && policy !== current.degradedWritePolicy) changes['degradedWritePolicy'] = policy;
  const autoRebalance = draft['autoRebalance'];
  if (autoRebalance !== undefined && (autoRebalance === 'true') !== current.autoRebalance) changes['autoRebalance'] = autoRebalance === 'true';
  return (
    <form aria-label="Settings" className="flex max-w-xl flex-col gap-2" onSubmit={(e) => { e.preventDefault(); if (problems.length === 0) save.mutate(changes); }}>
      <h2 className="text-lg font-semibold">Settings</h2>
      {NUMERIC.map(({ key, label }) => (
        <label key={key} className="flex items-center justify-between gap-3 text-sm">{label}
          <input aria-label={label} disabled={!canEdit} inputMode="numeric" value={draft[key] ?? String(current[key])}
            onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} className="w-32 rounded border border-slate-300 bg-transparent px-2 py-1 text-right dark:border-slate-700" />
        </label>
      ))}
      <label className="flex items-center justify-between gap-3 text-sm">Degraded-write policy
        <select aria-label="Degraded-write policy" disabled={!canEdit} value={draft['degradedWritePolicy'] ?? current.degradedWritePolicy}
          onChange={(e) => setDraft({ ...draft, degradedWritePolicy: e.target.value })} className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700">
          <option value="accept">accept single-copy writes</option>
          <option value="refuse">refuse writes while a slice has one copy</option>
        </select>
      </label>
      <label className="flex items-center justify-between gap-3 text-sm">Auto-rebalance (move roles back after a node or drive returns)
        <input type="checkbox" aria-label="Auto-rebalance" disabled={!canEdit} checked={(draft['autoRebalance'] ?? String(current.autoRebalance)) === 'true'}
          onChange={(e) => setDraft({ ...draft, autoRebalance: String(e.target.checked) })} className="h-4 w-4" />
      </label>
      {problems.map((p) => <p key={p} role="alert" className="text-sm text-red-600">{p}</p>)}
      <div className="flex items-center gap-3">
        <button type="submit" disabled={!canEdit || save.isPending || Object.keys(changes).length === 0 || problems.length > 0}
          className="rounded bg-slate-800 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-200 dark:text-slate-900">Save settings</button>
        {save.isSuccess && <span role="status" className="text-sm text-green-700 dark:text-green-400">Settings saved</span>}
        {save.isError && <span role="alert" className="text-sm text-red-600">{save.error.message}</span>}
      </div>
      {!canEdit && <p className="text-xs text-slate-500">Changing settings needs the admin role.</p>}
    </form>
  );
}
