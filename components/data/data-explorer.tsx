'use client';
// The Data explorer: pick a container, list its keys by prefix (paged), open an object, put one
// (optionally as a compare-and-set on its version) or delete it. Container, prefix and the open
// key live in the URL so a view can be shared. Objects go through the public HTTP data API; the
// keys of one slice (picked on the slice map, `slice=N`) and the cluster's state come from tRPC.
// While the cluster is offline the page says so at once instead of waiting on refusals.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { DelayedSpinner } from '../ui/delayed-spinner';
import { QueryError } from '../ui/query-error';
import { Skeleton } from '../ui/skeleton';
import { DataApiError, deleteObject, getObject, listContainers, listKeys, putObject } from './data-api';
import { PutObjectForm } from './put-object-form';
import { SliceKeys } from './slice-keys';

/** A refusal that retrying at once will not change (the cluster is offline, bad input). */
function retryData(failures: number, error: Error): boolean {
  if (error instanceof DataApiError && (error.status < 500 || /offline/.test(error.message))) return false;
  return failures < 2;
}

const inputClass = 'rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700';
const buttonClass = 'rounded border border-slate-400 px-2 py-1 text-sm disabled:opacity-40 hover:bg-slate-100 dark:hover:bg-slate-900';

export function DataExplorer() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const cluster = useQuery({ ...trpc.cluster.overview.queryOptions(), refetchInterval: 2_000 });
  const offline = cluster.data?.availability === 'offline';
  const containers = useQuery({ queryKey: ['data', 'containers'], queryFn: listContainers, refetchInterval: 10_000, retry: retryData });
  const sliceText = params.get('slice');
  const slice = sliceText !== null && /^\d+$/.test(sliceText) ? Number(sliceText) : null;
  const [sliceDraft, setSliceDraft] = useState(sliceText ?? '');
  const container = params.get('container') ?? containers.data?.[0]?.name ?? '';
  const prefix = params.get('prefix') ?? '';
  const openKey = params.get('key') ?? '';
  const [prefixDraft, setPrefixDraft] = useState(prefix);
  /** Cursors of the pages before the current one; the last is the current page's cursor. */
  const [cursors, setCursors] = useState<readonly string[]>(['']);
  const cursor = cursors[cursors.length - 1] ?? '';
  const keys = useQuery({
    queryKey: ['data', 'keys', container, prefix, cursor],
    queryFn: () => listKeys(container, prefix, cursor),
    enabled: container !== '' && slice === null,
    retry: retryData,
  });
  const object = useQuery({
    queryKey: ['data', 'object', container, openKey],
    queryFn: () => getObject(container, openKey),
    enabled: container !== '' && openKey !== '',
    retry: retryData,
  });
  const remove = useMutation({
    mutationFn: () => deleteObject(container, openKey),
    onSuccess: async () => { await queryClient.invalidateQueries({ queryKey: ['data'] }); },
  });

  const setParams = (changes: Record<string, string>): void => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === '') next.delete(key);
      else next.set(key, value);
    }
    router.replace(`${pathname}?${next.toString()}`);
  };
  const onStored = async (key: string): Promise<void> => {
    setParams({ key });
    await queryClient.invalidateQueries({ queryKey: ['data'] });
  };

  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">Data explorer</h1>
      {offline && (
        <div role="alert" aria-label="cluster offline" className="rounded border border-amber-400 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          The cluster is offline{cluster.data?.reasons[0] !== undefined ? ` (${cluster.data.reasons[0]})` : ''}: reads and writes are refused until it is back online. This page retries once it is.
        </div>
      )}
      {containers.isError && <QueryError what="containers" error={containers.error} onRetry={() => void containers.refetch()} retrying={containers.isFetching} />}
      {containers.isPending && <Skeleton label="loading containers" className="h-8 w-64" />}
      <label className="text-sm">Container{' '}
        <select aria-label="Container" value={container} className={inputClass}
          onChange={(e) => { setCursors(['']); setParams({ container: e.target.value, key: '' }); }}>
          {(containers.data ?? []).map((c) => <option key={c.name} value={c.name}>{c.name} ({c.slices} slices)</option>)}
        </select>
      </label>
      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-label="Keys" className="flex flex-col gap-2">
          <h2 className="text-lg font-semibold">Keys</h2>
          <form className="flex flex-wrap gap-2" onSubmit={(e) => { e.preventDefault(); setCursors(['']); setParams({ prefix: prefixDraft, slice: '' }); }}>
            <input aria-label="Key prefix" placeholder="prefix" value={prefixDraft} maxLength={1024} onChange={(e) => setPrefixDraft(e.target.value)} className={inputClass} />
            <button type="submit" className={buttonClass}>List keys</button>
          </form>
          <form className="flex flex-wrap gap-2" onSubmit={(e) => { e.preventDefault(); const t = sliceDraft.trim(); setParams({ slice: /^\d+$/.test(t) ? t : '' }); }}>
            <input aria-label="Slice" placeholder="slice number" inputMode="numeric" value={sliceDraft} maxLength={6} onChange={(e) => setSliceDraft(e.target.value)} className={`${inputClass} w-32`} />
            <button type="submit" className={buttonClass}>Browse slice</button>
            {slice !== null && <button type="button" className={buttonClass} onClick={() => { setSliceDraft(''); setParams({ slice: '' }); }}>All keys</button>}
          </form>
          {slice !== null && container !== '' ? <SliceKeys key={`${container}/${slice}`} container={container} slice={slice} openKey={openKey} onOpen={(key) => setParams({ key })} /> : <>
          <DelayedSpinner active={keys.isFetching} label="listing keys" />
          {keys.isError && <QueryError what="keys" error={keys.error} onRetry={() => void keys.refetch()} retrying={keys.isFetching} />}
          {keys.isPending && keys.fetchStatus !== 'idle' && <Skeleton label="loading keys" className="h-32" />}
          {keys.data?.keys.length === 0 && <p className="text-sm text-slate-500">No keys{prefix === '' ? '' : ` starting with ${prefix}`}.</p>}
          <ul className="flex flex-col text-sm">
            {keys.data?.keys.map((k) => (
              <li key={k.key} className="flex items-center justify-between gap-3 border-t border-slate-200 py-1 dark:border-slate-800">
                <button type="button" className="truncate font-mono text-left underline-offset-2 hover:underline" aria-current={k.key === openKey ? 'true' : undefined}
                  onClick={() => setParams({ key: k.key })}>{k.key}</button>
                <span className="whitespace-nowrap text-xs text-slate-500">v{k.version} · {k.size} B</span>
              </li>
            ))}
          </ul>
          <div className="flex gap-2">
            <button type="button" className={buttonClass} disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>Previous page</button>
            <button type="button" className={buttonClass} disabled={(keys.data?.nextCursor ?? null) === null}
              onClick={() => { const next = keys.data?.nextCursor; if (next !== null && next !== undefined) setCursors([...cursors, next]); }}>Next page</button>
          </div>
          </>}
        </section>
        <section aria-label="Object" className="flex flex-col gap-2">
          <h2 className="text-lg font-semibold">Object</h2>
          {openKey === '' && <p className="text-sm text-slate-500">Pick a key to open it.</p>}
          <DelayedSpinner active={object.isFetching} label="reading the object" />
          {object.isError && <QueryError what={openKey} error={object.error} onRetry={() => void object.refetch()} retrying={object.isFetching} />}
          {openKey !== '' && object.data === null && <p className="text-sm">{openKey} does not exist (or was deleted).</p>}
          {object.data !== undefined && object.data !== null && (
            <>
              <p className="font-mono text-sm">{object.data.key}</p>
              <p className="text-sm">Version {object.data.version} · {object.data.bytes} bytes</p>
              <pre aria-label="Object value" className="max-h-80 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">{object.data.value}</pre>
              <div>
                <button type="button" className={buttonClass} disabled={remove.isPending}
                  onClick={() => { if (window.confirm(`Delete ${openKey}? This cannot be undone.`)) remove.mutate(); }}>Delete object</button>
              </div>
              {remove.isError && <p role="alert" className="text-sm text-red-600">{remove.error.message}</p>}
            </>
          )}
        </section>
      </div>
      {container !== '' && <PutObjectForm container={container} initialKey={openKey} onStored={onStored} putObject={putObject} />}
    </div>
  );
}
