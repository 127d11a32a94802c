'use client';
// The Events page: filters and search kept in the URL, newest first, times in UTC (24 h),
// export as CSV or JSON.
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { isoUtc } from '@/engine/controller/events-query';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';

const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];
const TONE = { info: 'neutral', warning: 'warn', error: 'bad', critical: 'bad' } as const;

export function EventsView() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const severity = params.get('severity');
  const text = params.get('q') ?? '';
  const [draft, setDraft] = useState(text);
  const filter = {
    ...(severity !== null && (SEVERITIES as readonly string[]).includes(severity) ? { severities: [severity as Severity] } : {}),
    ...(text !== '' ? { text } : {}),
  };
  const events = useQuery({ ...trpc.events.query.queryOptions({ ...filter, pageSize: 200, cursor: null }), refetchInterval: 2_000 });
  const setParam = (key: string, value: string): void => {
    const next = new URLSearchParams(params.toString());
    if (value === '') next.delete(key);
    else next.set(key, value);
    router.replace(`${pathname}?${next.toString()}`);
  };
  const download = async (format: 'csv' | 'json'): Promise<void> => {
    const result = await events.refetch();
    if (result.data === undefined) return;
    const exported = await fetch(`/api/trpc/events.export?input=${encodeURIComponent(JSON.stringify({ ...filter, format }))}`).then((r) => r.json()) as { result: { data: { content: string } } };
    const blob = new Blob([exported.result.data.content], { type: format === 'csv' ? 'text/csv' : 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `tessera-events.${format}`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Events</h1>
      <form className="flex flex-wrap items-end gap-3" onSubmit={(e) => { e.preventDefault(); setParam('q', draft.trim()); }}>
        <label className="text-sm">Severity{' '}
          <select aria-label="Severity" value={severity ?? ''} onChange={(e) => setParam('severity', e.target.value)}
            className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700">
            <option value="">all</option>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="text-sm">Search{' '}
          <input aria-label="Search events" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={200}
            className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700" />
        </label>
        <button type="submit" className="rounded bg-slate-800 px-3 py-1 text-sm text-white dark:bg-slate-200 dark:text-slate-900">Search</button>
        <button type="button" onClick={() => void download('csv')} className="rounded border px-3 py-1 text-sm">Export CSV</button>
        <button type="button" onClick={() => void download('json')} className="rounded border px-3 py-1 text-sm">Export JSON</button>
      </form>
      {events.isError && <p role="alert">Could not load events: {events.error.message}</p>}
      <p className="text-xs text-slate-500 dark:text-slate-400">{events.data?.totalMatching ?? 0} matching · times in UTC (24 h)</p>
      <table aria-label="events" className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
          <tr><th>time (UTC)</th><th>severity</th><th>code</th><th>subject</th><th>message</th><th>actor</th></tr>
        </thead>
        <tbody>
          {events.data?.events.map((e) => (
            <tr key={`${e.index}.${e.seq}`} className="border-t border-slate-200 align-top dark:border-slate-800">
              <td className="whitespace-nowrap py-1 font-mono text-xs">{isoUtc(e.timeMs).replace('T', ' ').slice(0, 19)}</td>
              <td><Badge tone={TONE[e.severity]}>{e.severity}</Badge></td>
              <td className="font-mono text-xs">{e.code}</td>
              <td className="font-mono text-xs">{e.subject.kind}:{e.subject.id}</td>
              <td>{e.message}</td>
              <td className="text-xs">{e.actor}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
