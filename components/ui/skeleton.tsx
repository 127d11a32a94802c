// A grey placeholder shaped like the content that is coming: shown on first load instead of
// any value, so nothing false ("none", "0 matching") is ever on screen while loading.
export function Skeleton({ label, className = 'h-24' }: { label: string; className?: string | undefined }) {
  return <div aria-busy="true" aria-label={label} className={`animate-pulse rounded bg-slate-100 dark:bg-slate-900 ${className}`} />;
}

/** An inline placeholder for a single value inside a sentence or a table cell. */
export function ValueSkeleton({ label }: { label: string }) {
  return <span aria-busy="true" aria-label={label} className="inline-block h-4 w-12 animate-pulse rounded bg-slate-200 align-middle dark:bg-slate-800" />;
}
