// Authentication for the console and the operator CLI: accounts, sessions, the login limiter
// and the audit log, plus reading a request's credentials (cookie or bearer token).

import { appendFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { AccountStore, type Account } from './accounts';
import { LoginLimiter } from './login-limiter';
import { SessionStore, type Session } from './sessions';

export const SESSION_COOKIE = 'tessera_session';
/** Mutations from a browser session must carry this header (a cross-site form cannot). */
export const CSRF_HEADER = 'x-tessera-csrf';

export interface Credentials {
  readonly token: string | null;
  /** 'cookie' credentials need the CSRF checks on mutations; bearer tokens do not. */
  readonly via: 'cookie' | 'bearer' | 'none';
}

export type LoginResult =
  | { readonly ok: true; readonly account: Account; readonly token: string }
  | { readonly ok: false; readonly reason: 'invalid' | 'limited'; readonly retryAfterSeconds: number };

export class AuthService {
  readonly accounts: AccountStore;
  readonly sessions = new SessionStore();
  private readonly limiter = new LoginLimiter();
  private readonly auditPath: string;

  constructor(dataDir: string) {
    this.accounts = new AccountStore(dataDir);
    this.auditPath = join(dataDir, 'audit.log');
  }

  async login(name: string, password: string, address: string): Promise<LoginResult> {
    const keys = [`user:${name}`, `addr:${address}`];
    const wait = this.limiter.retryAfterSeconds(keys);
    if (wait > 0) {
      this.audit({ action: 'login', user: name, address, result: 'rate-limited' });
      return { ok: false, reason: 'limited', retryAfterSeconds: wait };
    }
    const account = await this.accounts.check(name, password);
    if (account === undefined) {
      this.limiter.failed(keys);
      this.audit({ action: 'login', user: name, address, result: 'failed' });
      return { ok: false, reason: 'invalid', retryAfterSeconds: 0 };
    }
    this.limiter.succeeded(keys);
    this.audit({ action: 'login', user: name, address, result: 'ok' });
    return { ok: true, account, token: this.sessions.create(account.name, account.role) };
  }

  session(credentials: Credentials): Session | undefined {
    return credentials.token === null ? undefined : this.sessions.lookup(credentials.token);
  }

  /** Appends one JSON line to the audit log (logins, logouts, every state-changing call). */
  audit(entry: Record<string, unknown>): void {
    appendFileSync(this.auditPath, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`, { mode: 0o600 });
  }
}

export function credentialsOf(req: IncomingMessage): Credentials {
  const authorization = req.headers.authorization;
  if (authorization?.startsWith('Bearer ') === true) return { token: authorization.slice('Bearer '.length).trim(), via: 'bearer' };
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return { token: rest.join('='), via: 'cookie' };
  }
  return { token: null, via: 'none' };
}

/** CSRF (docs/SECURITY.md): a cookie-authenticated mutation needs the custom header and a same-origin Origin. */
export function csrfProblem(req: IncomingMessage): string | null {
  if (req.headers[CSRF_HEADER] !== '1') return `missing ${CSRF_HEADER} header`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return 'malformed Origin header';
    }
    if (host !== req.headers.host) return `Origin ${origin} does not match the server`;
  }
  return null;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}; Max-Age=${12 * 3600}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}
