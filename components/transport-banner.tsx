'use client';
// A banner on every page when the server is reachable beyond loopback without TLS: passwords,
// cookies and tokens then cross the network in clear text (the server also warns at start).
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';

export function TransportBanner() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const warning = me.data?.transportWarning ?? null;
  if (warning === null) return null;
  return <div role="alert" className="mb-4 rounded border border-red-500 bg-red-50 p-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">{warning.replace(/^WARNING: /, 'Not secure: ')}</div>;
}
