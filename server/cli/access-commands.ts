// Access commands of `tessera`, against a running server (admin credentials needed):
//   tessera token create --name N --role R [--container C] [--expires-days D] [--json]
//   tessera token list [--json] | tessera token revoke ID|NAME
//   tessera user list [--json] | user create NAME --role R | user role NAME ROLE
//          | user disable NAME | user enable NAME | user reset NAME
//   tessera sessions [--json] | tessera sessions revoke ID
//   tessera audit [--action A] [--actor U] [--limit N] [--json]
// A new user's password comes from TESSERA_NEW_PASSWORD (never a flag: it would show in `ps`).

import { intFlag, parseFlags, stringFlag, UsageError } from './args';
import { connect, DEFAULT_SERVER, OperatorError, type Output } from './operator';

export const ACCESS_USAGE = `tessera token create --name N --role viewer|operator|admin [--container C] [--expires-days D] [--json]
  tessera token list [--json] | tessera token revoke ID|NAME
  tessera user list | user create NAME --role R | user role NAME R | user disable|enable NAME | user reset NAME
     (a new password comes from TESSERA_NEW_PASSWORD)
  tessera sessions [--json] | tessera sessions revoke ID
  tessera audit [--action A] [--actor U] [--limit N] [--json]`;

export const NEW_PASSWORD_ENV = 'TESSERA_NEW_PASSWORD';

interface TokenRow { id: string; name: string; role: string; container: string | null; createdAt: string; expiresAt: string | null; lastUsedAt: string | null }
interface UserRow { name: string; role: string; createdAt: string; disabled: boolean }
interface SessionRow { id: string; user: string; role: string; address: string; createdAt: string; lastSeenAt: string }
interface AuditRow { time: string; action: string; actor: string | null; address: string; result: string; args?: unknown; repeats?: number }

function newPassword(): string {
  const password = process.env[NEW_PASSWORD_ENV];
  if (password === undefined || password === '') throw new OperatorError(`set ${NEW_PASSWORD_ENV} to the new password (8 characters or more)`);
  return password;
}

export async function runAccessCommand(command: string, argv: readonly string[], out: Output): Promise<number> {
  const { flags, positionals } = parseFlags(argv, {
    server: 'string', user: 'string', token: 'string', json: 'boolean', name: 'string', role: 'string', container: 'string',
    'expires-days': 'string', action: 'string', actor: 'string', limit: 'string',
  });
  const server = stringFlag(flags, 'server', DEFAULT_SERVER).replace(/\/$/, '');
  const json = flags.get('json') === true;
  const api = await connect(server, stringFlag(flags, 'user', 'admin'), flags.has('token') ? stringFlag(flags, 'token', '') : undefined);
  const [action, first, second] = positionals;
  const print = (value: unknown, lines: () => void): number => {
    if (json) out(JSON.stringify(value, null, 2));
    else lines();
    return 0;
  };
  switch (command) {
    case 'token': {
      if (action === 'create') {
        if (!flags.has('name') || !flags.has('role')) throw new UsageError('tessera token create: give --name N and --role viewer|operator|admin');
        const created = await api.mutate<TokenRow & { token: string }>('access.createToken', {
          name: stringFlag(flags, 'name', ''), role: stringFlag(flags, 'role', ''),
          container: flags.has('container') ? stringFlag(flags, 'container', '') : null,
          expiresInDays: flags.has('expires-days') ? intFlag(flags, 'expires-days', 1, 1, 3650) : null,
        });
        return print(created, () => {
          out(`created token ${created.name} (${created.role}${created.container === null ? '' : `, container ${created.container}`}), id ${created.id}`);
          out(created.token);
          out('(shown once: store it now; programs send it as Authorization: Bearer <token>)');
        });
      }
      if (action === 'list' || action === undefined) {
        const tokens = await api.query<TokenRow[]>('access.tokens');
        return print(tokens, () => {
          out('ID            NAME                 ROLE      CONTAINER    CREATED                   LAST USED');
          for (const t of tokens) out(`${t.id.padEnd(14)}${t.name.padEnd(21)}${t.role.padEnd(10)}${(t.container ?? '*').padEnd(13)}${t.createdAt.padEnd(26)}${t.lastUsedAt ?? 'never'}`);
        });
      }
      if (action === 'revoke') {
        if (first === undefined) throw new UsageError('tessera token revoke ID|NAME');
        const revoked = await api.mutate<TokenRow>('access.revokeToken', { token: first });
        return print({ ok: true, revoked }, () => out(`revoked token ${revoked.name} (${revoked.id})`));
      }
      throw new UsageError(`tessera token: unknown action "${action}" (create, list or revoke)`);
    }
    case 'user': {
      if (action === 'list' || action === undefined) {
        const users = await api.query<UserRow[]>('access.users');
        return print(users, () => { for (const u of users) out(`${u.name.padEnd(24)}${u.role.padEnd(10)}${u.disabled ? 'disabled' : 'enabled '}  ${u.createdAt}`); });
      }
      if (first === undefined) throw new UsageError(`tessera user ${action}: give the user name`);
      if (action === 'create') {
        if (!flags.has('role')) throw new UsageError('tessera user create NAME --role viewer|operator|admin');
        await api.mutate('access.createUser', { name: first, role: stringFlag(flags, 'role', ''), password: newPassword() });
        return print({ ok: true }, () => out(`created user ${first}`));
      }
      if (action === 'role') {
        if (second === undefined) throw new UsageError('tessera user role NAME viewer|operator|admin');
        await api.mutate('access.setRole', { name: first, role: second });
        return print({ ok: true }, () => out(`${first} is now ${second} (their sessions were ended)`));
      }
      if (action === 'disable' || action === 'enable') {
        await api.mutate('access.setDisabled', { name: first, disabled: action === 'disable' });
        return print({ ok: true }, () => out(`${first} ${action}d`));
      }
      if (action === 'reset') {
        await api.mutate('access.resetPassword', { name: first, password: newPassword() });
        return print({ ok: true }, () => out(`password of ${first} reset (their sessions were ended)`));
      }
      throw new UsageError(`tessera user: unknown action "${action}" (list, create, role, disable, enable, reset)`);
    }
    case 'sessions': {
      if (action === 'revoke') {
        if (first === undefined) throw new UsageError('tessera sessions revoke ID');
        await api.mutate('access.revokeSession', { id: first });
        return print({ ok: true }, () => out(`session ${first} revoked`));
      }
      const sessions = await api.query<SessionRow[]>('access.sessions');
      return print(sessions, () => { for (const s of sessions) out(`${s.id}  ${s.user.padEnd(20)}${s.role.padEnd(10)}${s.address.padEnd(18)}since ${s.createdAt}, seen ${s.lastSeenAt}`); });
    }
    case 'audit': {
      const filter = {
        ...(flags.has('action') ? { action: stringFlag(flags, 'action', '') } : {}),
        ...(flags.has('actor') ? { actor: stringFlag(flags, 'actor', '') } : {}),
        limit: intFlag(flags, 'limit', 50, 1, 1000),
      };
      const { entries } = await api.query<{ entries: AuditRow[] }>('access.audit', filter);
      const shown = [...entries].reverse();
      if (json) {
        for (const e of shown) out(JSON.stringify(e));
        return 0;
      }
      for (const e of shown) out(`${e.time}  ${e.action.padEnd(24)}${(e.actor ?? '-').padEnd(20)}${e.address.padEnd(18)}${e.result}${e.repeats === undefined ? '' : ` ×${e.repeats + 1}`}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
