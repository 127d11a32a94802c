'use client';
// Page state kept in the URL (filters, container, interval), so a link reproduces the view.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

export interface UrlState {
  readonly params: URLSearchParams;
  readonly get: (key: string) => string | null;
  /** Sets (or, for '' / null, removes) several keys in one history replace. */
  readonly set: (patch: Readonly<Record<string, string | null>>) => void;
}

export function useUrlState(): UrlState {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const text = search.toString();
  const set = useCallback((patch: Readonly<Record<string, string | null>>) => {
    const next = new URLSearchParams(text);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    router.replace(query === '' ? pathname : `${pathname}?${query}`, { scroll: false });
  }, [text, router, pathname]);
  return { params: new URLSearchParams(text), get: (key) => search.get(key), set };
}
