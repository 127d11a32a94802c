'use client';
// The auto-refresh interval the operator chooses (off, 2, 5, 10, 30 s), kept in the URL as
// `refresh=<seconds>`, and "updated N s ago" beside it. React Query never overlaps two polls
// of one query, so a slow answer only delays the next poll.
import { useEffect, useState } from 'react';
import { DelayedSpinner } from './delayed-spinner';
import { useUrlState } from './url-state';

/** The intervals offered, in seconds; 0 is off. */
export const REFRESH_CHOICES_S = [0, 2, 5, 10, 30] as const;
export type RefreshSeconds = (typeof REFRESH_CHOICES_S)[number];
export const REFRESH_URL_KEY = 'refresh';

function parseSeconds(text: string | null, fallback: RefreshSeconds): RefreshSeconds {
  const value = Number(text);
  return text !== null && (REFRESH_CHOICES_S as readonly number[]).includes(value) ? value as RefreshSeconds : fallback;
}

export interface RefreshInterval {
  readonly seconds: RefreshSeconds;
  /** For React Query's `refetchInterval`: false when off. */
  readonly intervalMs: number | false;
  readonly setSeconds: (seconds: RefreshSeconds) => void;
}

export function useRefreshInterval(defaultSeconds: RefreshSeconds): RefreshInterval {
  const url = useUrlState();
  const seconds = parseSeconds(url.get(REFRESH_URL_KEY), defaultSeconds);
  return {
    seconds,
    intervalMs: seconds === 0 ? false : seconds * 1000,
    setSeconds: (next) => url.set({ [REFRESH_URL_KEY]: next === defaultSeconds ? null : String(next) }),
  };
}

/** "updated N s ago" from a React Query `dataUpdatedAt` (0 = never), ticking once a second. */
export function UpdatedAgo({ updatedAtMs }: { updatedAtMs: number }) {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (updatedAtMs === 0) return <span className="text-xs text-slate-500 dark:text-slate-400">not loaded yet</span>;
  const seconds = Math.max(0, Math.floor((nowMs - updatedAtMs) / 1000));
  return <span aria-label="updated" className="text-xs text-slate-500 dark:text-slate-400">updated {seconds} s ago</span>;
}

export function RefreshControl({ refresh, updatedAtMs, fetching }: { refresh: RefreshInterval; updatedAtMs: number; fetching: boolean }) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <label>Auto-refresh{' '}
        <select aria-label="Auto-refresh" value={refresh.seconds} onChange={(e) => refresh.setSeconds(parseSeconds(e.target.value, refresh.seconds))}
          className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700">
          {REFRESH_CHOICES_S.map((s) => <option key={s} value={s}>{s === 0 ? 'off' : `${s} s`}</option>)}
        </select>
      </label>
      <UpdatedAgo updatedAtMs={updatedAtMs} />
      <DelayedSpinner active={fetching} label="refreshing" />
    </div>
  );
}
