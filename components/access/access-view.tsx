'use client';
// Users & access (admins): API tokens (the secret is shown once, right after creation), console
// accounts (create, role, disable, reset password), sessions (revoke) and the audit log
// (filter, export). A non-admin sees why the page is empty instead of a broken form.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';
import { Badge } from '../badge';

type Role = 'viewer' | 'operator' | 'admin';
const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const buttonClass = 'rounded border border-slate-400 px-2 py-1 text-sm disabled:opacity-40 hover:bg-slate-100 dark:hover:bg-slate-900';
const inputClass = 'rounded border border-slate-300 bg-transparent px-2 py-1 text-sm dark:border-slate-700';
const when = (iso: string | null): string => (iso === null ? 'never' : new Date(iso).toLocaleString());

function Failure({ error }: { error: { message: string } | null }) {
  return error === null ? null : <p role="alert" className="text-sm text-red-600">{error.message}</p>;
}

function TokensPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.access.tokens.queryOptions());
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [container, setContainer] = useState('');
  const [days, setDays] = useState('');
  const refresh = async (): Promise<void> => { await queryClient.invalidateQueries({ queryKey: trpc.access.tokens.queryKey() }); };
  const create = useMutation(trpc.access.createToken.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.access.revokeToken.mutationOptions({ onSuccess: refresh }));
  return (
    <section aria-label="API tokens" className="flex flex-col gap-2">
      <h2 className="text-lg font-semibold">API tokens</h2>
      <p className="text-sm text-slate-500">For programs: they send <code>Authorization: Bearer &lt;token&gt;</code>. The secret is shown once.</p>
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name, role, container: container.trim() === '' ? null : container.trim(), expiresInDays: days.trim() === '' ? null : Number(days) });
      }}>
        <label className="text-sm">Name <input aria-label="Token name" value={name} onChange={(e) => setName(e.target.value)} maxLength={64} className={inputClass} /></label>
        <label className="text-sm">Role <select aria-label="Token role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={inputClass}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
        <label className="text-sm">Container (empty: all) <input aria-label="Token container" value={container} onChange={(e) => setContainer(e.target.value)} maxLength={63} className={inputClass} /></label>
        <label className="text-sm">Expires in days <input aria-label="Token expiry days" value={days} onChange={(e) => setDays(e.target.value)} inputMode="numeric" maxLength={4} className={`${inputClass} w-20`} /></label>
        <button type="submit" className={buttonClass} disabled={name === '' || create.isPending}>Create token</button>
      </form>
      <Failure error={create.error} />
      {create.data !== undefined && (
        <div role="status" className="rounded border border-amber-400 bg-amber-50 p-2 text-sm dark:bg-amber-950">
          <p>Token <strong>{create.data.name}</strong> created. Copy it now: it will not be shown again.</p>
          <code aria-label="New token secret" className="block break-all font-mono">{create.data.token}</code>
        </div>
      )}
      <table className="w-full max-w-4xl text-left text-sm">
        <thead><tr><th>Name</th><th>Role</th><th>Container</th><th>Created</th><th>Expires</th><th>Last used</th><th /></tr></thead>
        <tbody>
          {(tokens.data ?? []).map((t) => (
            <tr key={t.id} aria-label={`Token ${t.name}`}>
              <td>{t.name}</td><td>{t.role}</td><td>{t.container ?? 'all'}</td><td>{when(t.createdAt)}</td><td>{when(t.expiresAt)}</td><td>{when(t.lastUsedAt)}</td>
              <td><button type="button" className={buttonClass} onClick={() => { if (window.confirm(`Revoke token ${t.name}? Programs using it stop at once.`)) revoke.mutate({ token: t.id }); }}>Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Failure error={revoke.error} />
    </section>
  );
}

function UsersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.access.users.queryOptions());
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const refresh = async (): Promise<void> => { await queryClient.invalidateQueries(); };
  const create = useMutation(trpc.access.createUser.mutationOptions({ onSuccess: async () => { setPassword(''); await refresh(); } }));
  const setUserRole = useMutation(trpc.access.setRole.mutationOptions({ onSuccess: refresh }));
  const setDisabled = useMutation(trpc.access.setDisabled.mutationOptions({ onSuccess: refresh }));
  const reset = useMutation(trpc.access.resetPassword.mutationOptions({ onSuccess: refresh }));
  return (
    <section aria-label="Users" className="flex flex-col gap-2">
      <h2 className="text-lg font-semibold">Users</h2>
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); create.mutate({ name, role, password }); }}>
        <label className="text-sm">Name <input aria-label="User name" value={name} onChange={(e) => setName(e.target.value)} maxLength={64} className={inputClass} /></label>
        <label className="text-sm">Role <select aria-label="User role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={inputClass}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
        <label className="text-sm">Password (8+) <input aria-label="User password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={256} className={inputClass} /></label>
        <button type="submit" className={buttonClass} disabled={name === '' || password.length < 8 || create.isPending}>Create user</button>
      </form>
      {[create, setUserRole, setDisabled, reset].map((m, i) => <Failure key={i} error={m.error} />)}
      <table className="w-full max-w-4xl text-left text-sm">
        <thead><tr><th>Name</th><th>Role</th><th>State</th><th>Created</th><th /></tr></thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.name} aria-label={`User ${u.name}`}>
              <td>{u.name}</td>
              <td><select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => setUserRole.mutate({ name: u.name, role: e.target.value as Role })} className={inputClass}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></td>
              <td><Badge tone={u.disabled ? 'bad' : 'good'}>{u.disabled ? 'disabled' : 'enabled'}</Badge></td>
              <td>{when(u.createdAt)}</td>
              <td className="flex gap-1">
                <button type="button" className={buttonClass} onClick={() => setDisabled.mutate({ name: u.name, disabled: !u.disabled })}>{u.disabled ? 'Enable' : 'Disable'}</button>
                <button type="button" className={buttonClass} onClick={() => {
                  const next = window.prompt(`New password for ${u.name} (8 characters or more); their sessions end`);
                  if (next !== null && next !== '') reset.mutate({ name: u.name, password: next });
                }}>Reset password</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SessionsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery({ ...trpc.access.sessions.queryOptions(), refetchInterval: 5_000 });
  const revoke = useMutation(trpc.access.revokeSession.mutationOptions({ onSuccess: async () => { await queryClient.invalidateQueries(); } }));
  return (
    <section aria-label="Sessions" className="flex flex-col gap-2">
      <h2 className="text-lg font-semibold">Sessions</h2>
      <table className="w-full max-w-4xl text-left text-sm">
        <thead><tr><th>User</th><th>Role</th><th>Address</th><th>Since</th><th>Last seen</th><th /></tr></thead>
        <tbody>
          {(sessions.data ?? []).map((s) => (
            <tr key={s.id} aria-label={`Session of ${s.user}`}>
              <td>{s.user}{s.current ? ' (this one)' : ''}</td><td>{s.role}</td><td>{s.address}</td><td>{when(s.createdAt)}</td><td>{when(s.lastSeenAt)}</td>
              <td><button type="button" className={buttonClass} disabled={s.current} onClick={() => revoke.mutate({ id: s.id })}>Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Failure error={revoke.error} />
    </section>
  );
}

function AuditPanel() {
  const trpc = useTRPC();
  const [action, setAction] = useState('');
  const [text, setText] = useState('');
  const filter = { ...(action === '' ? {} : { action }), ...(text === '' ? {} : { text }) };
  const audit = useQuery({ ...trpc.access.audit.queryOptions({ ...filter, limit: 200 }), refetchInterval: 5_000 });
  const queryClient = useQueryClient();
  const download = async (format: 'csv' | 'json'): Promise<void> => {
    const answer = await queryClient.query(trpc.access.auditExport.queryOptions({ ...filter, format }));
    const url = URL.createObjectURL(new Blob([answer.content], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `tessera-audit.${format === 'csv' ? 'csv' : 'jsonl'}`;
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section aria-label="Audit log" className="flex flex-col gap-2">
      <h2 className="text-lg font-semibold">Audit log</h2>
      <div className="flex flex-wrap items-end gap-2">
        <label className="text-sm">Action starts with <input aria-label="Audit action" value={action} onChange={(e) => setAction(e.target.value)} maxLength={64} className={inputClass} /></label>
        <label className="text-sm">Text <input aria-label="Audit text" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} className={inputClass} /></label>
        <button type="button" className={buttonClass} onClick={() => void download('csv')}>Export CSV</button>
        <button type="button" className={buttonClass} onClick={() => void download('json')}>Export JSON</button>
      </div>
      <table className="w-full text-left text-xs">
        <thead><tr><th>Time</th><th>Action</th><th>Actor</th><th>Address</th><th>Result</th><th>Arguments</th></tr></thead>
        <tbody>
          {(audit.data?.entries ?? []).map((e, i) => (
            <tr key={`${e.time}-${i}`}>
              <td>{when(e.time)}</td><td>{e.action}</td><td>{e.actor ?? '-'}</td><td>{e.address}</td>
              <td>{e.result}{e.repeats === undefined ? '' : ` (×${e.repeats + 1} since ${when(e.since ?? null)})`}</td>
              <td className="font-mono">{e.args === undefined ? '' : JSON.stringify(e.args)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AccessView() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const isAdmin = me.data?.role === 'admin';
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-bold">Users &amp; access</h1>
      {me.data !== undefined && me.data !== null && !isAdmin && <p className="text-sm text-slate-500">Signed in as {me.data.user} ({me.data.role}). Managing users, tokens, sessions and the audit log needs the admin role.</p>}
      {isAdmin && (<><TokensPanel /><UsersPanel /><SessionsPanel /><AuditPanel /></>)}
    </div>
  );
}
