'use client';
// React Query + tRPC for the whole console. One QueryClient per browser tab. Every call carries
// the CSRF header the server requires of cookie-authenticated mutations; an answer of
// UNAUTHORIZED sends the operator to the sign-in page and back.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import type { AppRouter } from '@/server/routers/_app';
import { TRPCProvider } from '@/components/trpc';
import { TRPC_BATCH_CALLS_MAX } from '@/server/http/limits';

function toLoginIfSignedOut(error: unknown): void {
  if (!(error instanceof TRPCClientError)) return;
  const code = (error.data as { code?: string } | undefined)?.code;
  if (code !== 'UNAUTHORIZED' || window.location.pathname === '/login') return;
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?next=${encodeURIComponent(here)}`);
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({
    queryCache: new QueryCache({ onError: toLoginIfSignedOut }),
    mutationCache: new MutationCache({ onError: toLoginIfSignedOut }),
    defaultOptions: {
      queries: {
        staleTime: 1_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof TRPCClientError && ['UNAUTHORIZED', 'FORBIDDEN'].includes((error.data as { code?: string } | undefined)?.code ?? '')) && count < 2,
      },
    },
  }));
  const [trpcClient] = useState(() => createTRPCClient<AppRouter>({
    // maxItems: the server refuses a batch of more calls (server/http/limits.ts); split instead.
    links: [httpBatchLink({ url: '/api/trpc', maxItems: TRPC_BATCH_CALLS_MAX, headers: () => ({ 'x-tessera-csrf': '1' }) })],
  }));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>{children}</TRPCProvider>
    </QueryClientProvider>
  );
}
