'use client';
// The keys of one slice, as stored on its primary's copy (or another in-sync one), paged in
// key order: the data explorer's view for a slice picked on the slice map.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { DelayedSpinner } from '../ui/delayed-spinner';
import { QueryView } from '../ui/query-view';

/** Keys per page of a slice listing. */
export const SLICE_KEYS_PAGE_SIZE = 50;
const buttonClass = 'rounded border border-slate-400 px-2 py-1 text-sm disabled:opacity-40 hover:bg-slate-100 dark:hover:bg-slate-900';

export function SliceKeys({ container, slice, openKey, onOpen }: { container: string; slice: number; openKey: string; onOpen: (key: string) => void }) {
  const trpc = useTRPC();
  /** The `after` of each page so far; the last is the current page's. */
  const [afters, setAfters] = useState<readonly string[]>(['']);
  const after = afters[afters.length - 1] ?? '';
  const keys = useQuery(trpc.slices.keys.queryOptions({ container, slice, after, limit: SLICE_KEYS_PAGE_SIZE }));
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm text-slate-600 dark:text-slate-300" aria-label="slice listing">
        Keys of slice <span className="font-mono">{slice}</span>{keys.data !== undefined ? <> as stored on <span className="font-mono">{keys.data.vnId}</span></> : null}
        {' '}<DelayedSpinner active={keys.isFetching} label="loading slice keys" />
      </p>
      <QueryView query={keys} what={`the keys of slice ${slice}`} skeletonClass="h-32">
        {(page) => page.keys.length === 0 ? <p className="text-sm text-slate-500">Slice {slice} holds no keys{after === '' ? '' : ' after this point'}.</p> : (
          <ul className="flex flex-col text-sm">
            {page.keys.map((k) => (
              <li key={k.key} className="flex items-center justify-between gap-3 border-t border-slate-200 py-1 dark:border-slate-800">
                <button type="button" className="truncate text-left font-mono underline-offset-2 hover:underline" aria-current={k.key === openKey ? 'true' : undefined} onClick={() => onOpen(k.key)}>{k.key}</button>
                <span className="whitespace-nowrap text-xs text-slate-500">v{k.version} · {k.size} B</span>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      <div className="flex gap-2">
        <button type="button" className={buttonClass} disabled={afters.length <= 1} onClick={() => setAfters(afters.slice(0, -1))}>Previous page</button>
        <button type="button" className={buttonClass} disabled={(keys.data?.nextAfter ?? null) === null}
          onClick={() => { const next = keys.data?.nextAfter; if (next !== null && next !== undefined) setAfters([...afters, next]); }}>Next page</button>
      </div>
    </div>
  );
}
