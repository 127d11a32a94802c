// The Events page's state in the URL and the query filter it stands for. Pure, so a link
// reproduces the view and the parsing is tested without a browser (events-url.test.ts).
//
//   severity=warning,error  code=node,slice.failover  subject=node-2
//   from=2026-12-03T19:00  to=2026-12-03T20:00  (UTC, minutes)  q=text  cursor=<index.seq>
//   live=1 (live tail)

import type { EventSeverity } from '@/engine/controller/events';

export const EVENT_SEVERITIES: readonly EventSeverity[] = ['info', 'warning', 'error', 'critical'];
/** The server's limits on the filter (server/routers/events.ts). */
export const EVENT_CODES_MAX = 20;
export const EVENT_CODE_CHARS_MAX = 64;
export const EVENT_SUBJECT_CHARS_MAX = 128;
export const EVENT_TEXT_CHARS_MAX = 200;

export interface EventsQueryFilter {
  severities?: EventSeverity[];
  codes?: string[];
  subjectId?: string;
  fromMs?: number;
  toMs?: number;
  text?: string;
}

export interface EventsUrlView {
  readonly filter: EventsQueryFilter;
  readonly cursor: string | null;
  readonly live: boolean;
  /** URL values that were ignored, with why (shown to the operator). */
  readonly problems: readonly string[];
}

/** 'YYYY-MM-DDTHH:MM' (a datetime-local value) read as UTC; null if it is not one. */
export function utcMinuteToMs(text: string): number | null {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(text)) return null;
  const ms = Date.parse(`${text}:00.000Z`);
  return Number.isFinite(ms) ? ms : null;
}

function list(text: string | null): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function parseEventsUrl(params: URLSearchParams): EventsUrlView {
  const filter: EventsQueryFilter = {};
  const problems: string[] = [];
  const severities = list(params.get('severity'));
  const known = severities.filter((s): s is EventSeverity => (EVENT_SEVERITIES as readonly string[]).includes(s));
  if (known.length < severities.length) problems.push(`severity: one of ${EVENT_SEVERITIES.join(', ')}`);
  if (known.length > 0) filter.severities = known;
  const codes = list(params.get('code'));
  if (codes.length > EVENT_CODES_MAX) problems.push(`code: at most ${EVENT_CODES_MAX} codes`);
  const usable = codes.slice(0, EVENT_CODES_MAX).filter((c) => c.length <= EVENT_CODE_CHARS_MAX);
  if (usable.length < Math.min(codes.length, EVENT_CODES_MAX)) problems.push(`code: each at most ${EVENT_CODE_CHARS_MAX} characters`);
  if (usable.length > 0) filter.codes = usable;
  const subject = (params.get('subject') ?? '').trim();
  if (subject.length > EVENT_SUBJECT_CHARS_MAX) problems.push(`subject: at most ${EVENT_SUBJECT_CHARS_MAX} characters`);
  else if (subject !== '') filter.subjectId = subject;
  for (const [key, field] of [['from', 'fromMs'], ['to', 'toMs']] as const) {
    const text = params.get(key);
    if (text === null || text === '') continue;
    const ms = utcMinuteToMs(text);
    if (ms === null || ms < 0) problems.push(`${key}: a UTC time like 2026-12-03T19:00`);
    // "to" names a whole minute: include every event within it.
    else filter[field] = field === 'toMs' ? ms + 59_999 : ms;
  }
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs > filter.toMs) problems.push('from: must not be after to');
  const text = (params.get('q') ?? '').trim();
  if (text.length > EVENT_TEXT_CHARS_MAX) problems.push(`q: at most ${EVENT_TEXT_CHARS_MAX} characters`);
  else if (text !== '') filter.text = text;
  const cursor = params.get('cursor');
  return { filter, cursor: cursor !== null && /^\d+\.\d+$/.test(cursor) ? cursor : null, live: params.get('live') === '1', problems };
}

/** The export's URL (a tRPC query over GET) for the same filter. */
export function eventsExportUrl(filter: EventsQueryFilter, format: 'csv' | 'json'): string {
  return `/api/trpc/events.export?input=${encodeURIComponent(JSON.stringify({ ...filter, format }))}`;
}
