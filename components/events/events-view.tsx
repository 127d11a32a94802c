'use client';
// The Events page: filters by severity, code, subject and time range and a search, all in the
// URL; newest first, 200 a page with older pages by cursor; a live tail over the events.stream
// subscription (or polling at the chosen interval); export as CSV or JSON. Times in UTC (24 h).
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '../trpc';
import { DelayedSpinner } from '../ui/delayed-spinner';
import { QueryError } from '../ui/query-error';
import { RefreshControl, useRefreshInterval } from '../ui/refresh-control';
import { Skeleton, ValueSkeleton } from '../ui/skeleton';
import { useUrlState } from '../ui/url-state';
import { EventsFilters } from './events-filters';
import { EventsTable } from './events-table';
import { eventsExportUrl, parseEventsUrl } from './events-url';
import { useLiveTail } from './use-live-tail';

/** Events per page (the server allows up to EVENTS_PAGE_SIZE_MAX). */
export const EVENTS_PAGE_SIZE = 200;

export function EventsView() {
  const trpc = useTRPC();
  const url = useUrlState();
  const view = parseEventsUrl(url.params);
  const refresh = useRefreshInterval(2);
  const onNewest = view.cursor === null;
  const tailing = view.live && onNewest;
  const page = useQuery({
    ...trpc.events.query.queryOptions({ ...view.filter, pageSize: EVENTS_PAGE_SIZE, cursor: view.cursor }),
    // Older pages do not change; the newest page polls unless the live tail pushes instead.
    refetchInterval: onNewest && !tailing ? refresh.intervalMs : false,
  });
  // Where the tail starts: the newest event of the whole log, whatever the filter.
  const head = useQuery({ ...trpc.events.query.queryOptions({ pageSize: 1, cursor: null }), enabled: tailing, staleTime: Infinity });
  const headIndex = head.data === undefined ? null : (head.data.events[0]?.index ?? 0);
  const tail = useLiveTail(tailing, headIndex, view.filter);
  const [exportProblem, setExportProblem] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const shown = useMemo(() => {
    const loaded = page.data?.events ?? [];
    if (tail.events.length === 0) return { events: loaded, liveKeys: new Set<string>() };
    const liveKeys = new Set(tail.events.map((e) => `${e.index}.${e.seq}`));
    return { events: [...tail.events, ...loaded.filter((e) => !liveKeys.has(`${e.index}.${e.seq}`))], liveKeys };
  }, [page.data, tail.events]);

  const download = async (format: 'csv' | 'json'): Promise<void> => {
    setExportProblem(null);
    setExporting(true);
    try {
      const response = await fetch(eventsExportUrl(view.filter, format), { headers: { 'x-tessera-csrf': '1' } });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const exported = await response.json() as { result: { data: { content: string; truncated: boolean } } };
      const blob = new Blob([exported.result.data.content], { type: format === 'csv' ? 'text/csv' : 'application/json' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `tessera-events.${format}`;
      link.click();
      URL.revokeObjectURL(link.href);
      if (exported.result.data.truncated) setExportProblem('The export holds the newest 500 matching events; narrow the filter for older ones.');
    } catch (error) {
      setExportProblem(`Export failed: ${(error as Error).message}`);
    } finally {
      setExporting(false);
    }
  };

  const nextCursor = page.data?.nextCursor;
  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Events</h1>
        <div className="flex flex-wrap items-center gap-4">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" aria-label="Live tail" checked={view.live} onChange={(e) => url.set({ live: e.target.checked ? '1' : null })} className="h-4 w-4" />
            Live tail
          </label>
          {tailing
            ? <span role="status" aria-label="live tail status" className="text-xs text-slate-500 dark:text-slate-400">{tail.status === 'live' ? 'live: new events appear at the top' : tail.status}</span>
            : <RefreshControl refresh={refresh} updatedAtMs={page.dataUpdatedAt} fetching={page.isFetching} />}
        </div>
      </header>
      <EventsFilters key={url.params.toString()} get={url.get} set={url.set} />
      {view.problems.length > 0 && <p role="alert" className="text-sm text-amber-700 dark:text-amber-300">Ignored in the link: {view.problems.join('; ')}</p>}
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <button type="button" onClick={() => void download('csv')} disabled={exporting} className="rounded border px-3 py-1 disabled:opacity-50">Export CSV</button>
        <button type="button" onClick={() => void download('json')} disabled={exporting} className="rounded border px-3 py-1 disabled:opacity-50">Export JSON</button>
        <DelayedSpinner active={exporting} label="exporting" />
        {exportProblem !== null && <span role="alert" className="text-amber-700 dark:text-amber-300">{exportProblem}</span>}
      </div>
      {page.isError && <QueryError what="events" error={page.error} onRetry={() => void page.refetch()} retrying={page.isFetching} />}
      <p className="text-xs text-slate-500 dark:text-slate-400" aria-label="events summary">
        {page.data === undefined ? <ValueSkeleton label="counting events" /> : <span aria-label="matching count">{page.data.totalMatching + (onNewest ? tail.events.length : 0)} matching</span>}
        {onNewest ? ' · newest first' : ' · older page'} · times in UTC (24 h)
      </p>
      {page.data === undefined && !page.isError ? <Skeleton label="loading events" className="h-64" /> : <EventsTable events={shown.events} liveKeys={shown.liveKeys} />}
      <nav aria-label="event pages" className="flex gap-3 text-sm">
        {!onNewest && <button type="button" className="rounded border px-3 py-1" onClick={() => url.set({ cursor: null })}>Newest events</button>}
        {nextCursor != null && <button type="button" className="rounded border px-3 py-1" onClick={() => url.set({ cursor: nextCursor })}>Older events</button>}
      </nav>
    </div>
  );
}
