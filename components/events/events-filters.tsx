'use client';
// The Events page's filter form. Text fields are drafts until "Search" applies them to the URL;
// the severity select and the live-tail switch apply at once.
import { useState } from 'react';
import { EVENT_CODE_CHARS_MAX, EVENT_SEVERITIES, EVENT_SUBJECT_CHARS_MAX, EVENT_TEXT_CHARS_MAX } from './events-url';

const inputClass = 'rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700';
const DRAFT_KEYS = ['code', 'subject', 'from', 'to', 'q'] as const;
type DraftKey = (typeof DRAFT_KEYS)[number];

export function EventsFilters({ get, set }: { get: (key: string) => string | null; set: (patch: Record<string, string | null>) => void }) {
  const [draft, setDraft] = useState<Record<DraftKey, string>>(() => ({
    code: get('code') ?? '', subject: get('subject') ?? '', from: get('from') ?? '', to: get('to') ?? '', q: get('q') ?? '',
  }));
  const field = (key: DraftKey) => ({ value: draft[key], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: e.target.value }) });
  const apply = (): void => set({ ...Object.fromEntries(DRAFT_KEYS.map((k) => [k, draft[k].trim()])), cursor: null });
  return (
    <form aria-label="Event filters" className="flex flex-wrap items-end gap-3" onSubmit={(e) => { e.preventDefault(); apply(); }}>
      <label className="flex flex-col text-sm">Severity
        <select aria-label="Severity" value={get('severity') ?? ''} onChange={(e) => set({ severity: e.target.value, cursor: null })} className={inputClass}>
          <option value="">all</option>
          {EVENT_SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          <option value="warning,error,critical">warning and worse</option>
        </select>
      </label>
      <label className="flex flex-col text-sm">Code (prefix, comma-separated)
        <input aria-label="Event code" placeholder="node, slice.failover" maxLength={EVENT_CODE_CHARS_MAX * 4} className={inputClass} {...field('code')} />
      </label>
      <label className="flex flex-col text-sm">Subject
        <input aria-label="Subject" placeholder="node-2" maxLength={EVENT_SUBJECT_CHARS_MAX} className={`${inputClass} w-28`} {...field('subject')} />
      </label>
      <label className="flex flex-col text-sm">From (UTC)
        <input aria-label="From (UTC)" type="datetime-local" className={inputClass} {...field('from')} />
      </label>
      <label className="flex flex-col text-sm">To (UTC)
        <input aria-label="To (UTC)" type="datetime-local" className={inputClass} {...field('to')} />
      </label>
      <label className="flex flex-col text-sm">Search
        <input aria-label="Search events" maxLength={EVENT_TEXT_CHARS_MAX} className={inputClass} {...field('q')} />
      </label>
      <button type="submit" className="rounded bg-slate-800 px-3 py-1 text-sm text-white dark:bg-slate-200 dark:text-slate-900">Search</button>
      <button type="button" className="rounded border px-3 py-1 text-sm"
        onClick={() => { setDraft({ code: '', subject: '', from: '', to: '', q: '' }); set({ severity: null, code: null, subject: null, from: null, to: null, q: null, cursor: null }); }}>Clear filters</button>
    </form>
  );
}
