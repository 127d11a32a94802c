'use client';
// The three states of a query in one place: a skeleton on first load, the error with Retry,
// or the content. The content keeps showing (with a late spinner) while a refetch runs.
import type { ReactNode } from 'react';
import { QueryError } from './query-error';
import { Skeleton } from './skeleton';

/** The part of a React Query result this needs (any `useQuery` result fits). */
export interface QueryLike<T> {
  readonly data: T | undefined;
  readonly error: { message: string } | null;
  readonly isPending: boolean;
  readonly isError: boolean;
  readonly isFetching: boolean;
  readonly refetch: () => unknown;
}

export function QueryView<T>({ query, what, skeletonClass, children }: { query: QueryLike<T>; what: string; skeletonClass?: string | undefined; children: (data: T) => ReactNode }) {
  // An error with no data yet, or an error after data: either way the operator sees it here.
  if (query.isError && query.error !== null) {
    return (
      <div className="flex flex-col gap-2">
        <QueryError what={what} error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />
        {query.data !== undefined && children(query.data)}
      </div>
    );
  }
  if (query.data === undefined) return <Skeleton label={`loading ${what}`} className={skeletonClass} />;
  return <>{children(query.data)}</>;
}
