// Querying the events log: filters by severity, code, subject and time range, full-text search,
// newest-first paging by a cursor, and CSV/JSON export. Pure functions over the event list.

import type { ClusterEvent, EventSeverity } from './events';

export interface EventFilter {
  readonly severities?: readonly EventSeverity[];
  readonly codes?: readonly string[];
  readonly subjectId?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Case-insensitive substring over message, code, subject and actor. */
  readonly text?: string;
}

export const EVENTS_PAGE_SIZE_MAX = 500;

export interface EventPage {
  readonly events: readonly ClusterEvent[];
  /** Pass back to get the next (older) page; null at the end. */
  readonly nextCursor: string | null;
  readonly totalMatching: number;
}

function matches(event: ClusterEvent, filter: EventFilter, needle: string | null): boolean {
  if (filter.severities !== undefined && filter.severities.length > 0 && !filter.severities.includes(event.severity)) return false;
  if (filter.codes !== undefined && filter.codes.length > 0 && !filter.codes.some((c) => event.code === c || event.code.startsWith(`${c}.`))) return false;
  if (filter.subjectId !== undefined && event.subject.id !== filter.subjectId) return false;
  if (filter.fromMs !== undefined && event.timeMs < filter.fromMs) return false;
  if (filter.toMs !== undefined && event.timeMs > filter.toMs) return false;
  if (needle !== null) {
    const haystack = `${event.message}\n${event.code}\n${event.subject.kind}:${event.subject.id}\n${event.actor}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

const cursorOf = (e: ClusterEvent): string => `${e.index}.${e.seq}`;

/** Newest first. The cursor is the position of the last event returned. */
export function queryEvents(events: readonly ClusterEvent[], filter: EventFilter, pageSize: number, cursor: string | null): EventPage {
  const size = Math.max(1, Math.min(EVENTS_PAGE_SIZE_MAX, Math.floor(pageSize)));
  const needle = filter.text !== undefined && filter.text.trim() !== '' ? filter.text.trim().toLowerCase() : null;
  const matching = events.filter((e) => matches(e, filter, needle));
  let end = matching.length;
  if (cursor !== null) {
    const [indexText, seqText] = cursor.split('.');
    const index = Number(indexText);
    const seq = Number(seqText);
    end = matching.findIndex((e) => e.index > index || (e.index === index && e.seq >= seq));
    if (end < 0) end = matching.length;
  }
  const start = Math.max(0, end - size);
  const page = matching.slice(start, end).reverse();
  const last = page[page.length - 1];
  return { events: page, nextCursor: start > 0 && last !== undefined ? cursorOf(last) : null, totalMatching: matching.length };
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** ISO-8601 UTC from epoch milliseconds, computed by hand (the engine has no Date). */
export function isoUtc(timeMs: number): string {
  const days = Math.floor(timeMs / 86_400_000);
  const msOfDay = timeMs - days * 86_400_000;
  // Civil-from-days (Howard Hinnant's algorithm).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const h = Math.floor(msOfDay / 3_600_000);
  const m = Math.floor((msOfDay % 3_600_000) / 60_000);
  const s = Math.floor((msOfDay % 60_000) / 1000);
  const ms = msOfDay % 1000;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms, 3)}Z`;
}

export const EVENTS_CSV_HEADER = 'time_utc,index,severity,code,subject_kind,subject_id,actor,message';

export function eventsToCsv(events: readonly ClusterEvent[]): string {
  const lines = events.map((e) => [isoUtc(e.timeMs), `${e.index}.${e.seq}`, e.severity, e.code, e.subject.kind, e.subject.id, e.actor, e.message].map(csvField).join(','));
  return `${[EVENTS_CSV_HEADER, ...lines].join('\n')}\n`;
}

export function eventsToJson(events: readonly ClusterEvent[]): string {
  return JSON.stringify(events.map((e) => ({ ...e, timeUtc: isoUtc(e.timeMs) })), null, 2);
}
