import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { TransportBanner } from '@/components/transport-banner';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = { title: 'Tessera console', description: 'Operate a Tessera storage cluster' };

// Every page renders per request: the Content Security Policy's nonce (server/http/
// security-headers.ts) is fresh each time, and Next.js stamps it on its scripts while rendering.
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <div className="flex min-h-screen">
            <aside className="w-52 shrink-0 border-r border-slate-200 dark:border-slate-800">
              <div className="px-6 py-4 text-lg font-bold tracking-tight">Tessera</div>
              <Nav />
            </aside>
            <main className="flex-1 overflow-x-auto p-6"><TransportBanner />{children}</main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
