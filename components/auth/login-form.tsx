'use client';
// Sign-in: the server sets an HttpOnly session cookie; then back to the page that asked.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useTRPC } from '../trpc';

export function LoginForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  // Set once React owns the form: until then typed text is lost when hydration takes over the
  // controlled inputs. Tests (and slow machines' operators, via the disabled fields) wait for it.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => { setHydrated(true); }, []);
  const login = useMutation(trpc.auth.login.mutationOptions({
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      const next = params.get('next');
      router.replace(next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/');
    },
  }));
  return (
    <div className="mx-auto mt-16 max-w-sm">
      <h1 className="mb-4 text-2xl font-bold">Sign in</h1>
      <form className="flex flex-col gap-3" data-hydrated={hydrated ? 'true' : 'false'} onSubmit={(e) => { e.preventDefault(); login.mutate({ username, password, as: 'cookie' }); }}>
        <label className="text-sm">Username
          <input aria-label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" maxLength={64}
            className="mt-1 w-full rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700" />
        </label>
        <label className="text-sm">Password
          <input aria-label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" maxLength={256}
            className="mt-1 w-full rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700" />
        </label>
        <button type="submit" disabled={login.isPending || password === ''} className="rounded bg-slate-800 px-3 py-1.5 text-white disabled:opacity-50 dark:bg-slate-200 dark:text-slate-900">Sign in</button>
        {login.isError && <p role="alert" className="text-sm text-red-600">{login.error.message}</p>}
        <p className="text-xs text-slate-500">The first start prints the admin password in the server log (or takes it from TESSERA_ADMIN_PASSWORD).</p>
      </form>
    </div>
  );
}
