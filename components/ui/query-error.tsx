'use client';
// A failure shown where it happened, with a Retry that runs the failed request again.
import { DelayedSpinner } from './delayed-spinner';

export function QueryError({ what, error, onRetry, retrying = false }: { what: string; error: { message: string }; onRetry: () => void; retrying?: boolean }) {
  return (
    <div role="alert" className="flex flex-wrap items-center gap-3 rounded border border-red-300 p-3 text-sm text-red-800 dark:border-red-800 dark:text-red-200">
      <span>Could not load {what}: {error.message}</span>
      <button type="button" onClick={onRetry} disabled={retrying}
        className="rounded bg-red-700 px-3 py-1 text-white disabled:opacity-50">Retry</button>
      <DelayedSpinner active={retrying} label="retrying" />
    </div>
  );
}
