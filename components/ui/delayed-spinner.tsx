'use client';
// A spinner that appears only once a wait has lasted SPINNER_DELAY_MS: a quick answer never
// flashes one, a slow one is never silent.
import { useEffect, useState } from 'react';

/** How long a wait lasts before the spinner shows. */
export const SPINNER_DELAY_MS = 200;

/** True once `active` has stayed true for `delayMs`; false again as soon as it turns false. */
export function useDelayed(active: boolean, delayMs: number = SPINNER_DELAY_MS): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!active) { setShown(false); return undefined; }
    const timer = setTimeout(() => setShown(true), delayMs);
    return () => clearTimeout(timer);
  }, [active, delayMs]);
  return active && shown;
}

export function DelayedSpinner({ active, label }: { active: boolean; label: string }) {
  const shown = useDelayed(active);
  if (!shown) return null;
  return (
    <span role="progressbar" aria-label={label} className="inline-flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400">
      <span aria-hidden="true" className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-slate-700 dark:border-slate-700 dark:border-t-slate-200" />
      {label}
    </span>
  );
}
