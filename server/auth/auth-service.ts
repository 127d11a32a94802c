// Authentication for the console, the operator CLI and programs: accounts, sessions, API
// tokens, the sign-in limiter and the audit log, plus reading a request's credentials (cookie
// or bearer token) and the CSRF rule for cookie-authenticated mutations.

import type { IncomingMessage } from 'node:http';
import { AccountStore, HashQueueFull, type Account } from './accounts';
import { AuditLog, type AuditInput } from './audit-log';
import { LoginLimiter } from './login-limiter';
import { SessionStore, type Session } from './sessions';
import { BOOTSTRAP_TOKEN_ENV, TokenStore } from './tokens';

export const SESSION_COOKIE = 'tessera_session';
/** The cookie's name over HTTPS: `__Host-` makes the browser insist on Secure, Path=/ and no Domain. */
export const SECURE_SESSION_COOKIE = '__Host-tessera_session';
/** Mutations from a browser session must carry this header (a cross-site form cannot). */
export const CSRF_HEADER = 'x-tessera-csrf';
/** The longest bearer token or cookie value read; longer is no credential at all. */
export const CREDENTIAL_CHARS_MAX = 512;

export interface Credentials {
  readonly token: string | null;
  /** 'cookie' credentials need the CSRF checks on mutations; bearer tokens do not. */
  readonly via: 'cookie' | 'bearer' | 'none';
}

export type LoginResult =
  | { readonly ok: true; readonly account: Account; readonly token: string }
  | { readonly ok: false; readonly reason: 'invalid' | 'limited' | 'busy'; readonly retryAfterSeconds: number };

export interface AuthOptions {
  /** Served over HTTPS: the cookie is `__Host-` and Secure. */
  readonly secure: boolean;
}

export class AuthService {
  readonly accounts: AccountStore;
  readonly sessions = new SessionStore();
  readonly tokens: TokenStore;
  readonly auditLog: AuditLog;
  readonly secure: boolean;
  readonly cookieName: string;
  /** Why the transport is unsafe (non-loopback without TLS), for the console's banner; null when fine. */
  transportWarning: string | null = null;
  private readonly limiter = new LoginLimiter();

  constructor(dataDir: string, options: AuthOptions = { secure: false }) {
    this.accounts = new AccountStore(dataDir);
    this.tokens = new TokenStore(dataDir);
    this.auditLog = new AuditLog(dataDir);
    this.secure = options.secure;
    this.cookieName = options.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  }

  /** TESSERA_BOOTSTRAP_TOKEN, when set, is an admin token (throws TokenError when too short). */
  ensureBootstrapToken(log: (line: string) => void): void {
    const secret = process.env[BOOTSTRAP_TOKEN_ENV];
    if (secret === undefined || secret === '') return;
    const outcome = this.tokens.ensureBootstrap(secret);
    if (outcome !== 'present') {
      log(`${outcome} the admin API token "bootstrap" from ${BOOTSTRAP_TOKEN_ENV}`);
      this.audit({ action: `token.${outcome === 'created' ? 'create' : 'replace'}`, user: BOOTSTRAP_TOKEN_ENV, address: 'local', args: { name: 'bootstrap', role: 'admin' }, result: 'ok' });
    }
  }

  async login(name: string, password: string, address: string): Promise<LoginResult> {
    const userKey = `user:${name}`;
    const addressKey = `addr:${address}`;
    // Charged before the password is checked, synchronously: concurrent guesses all count.
    const charge = this.limiter.charge([userKey, addressKey]);
    if (!charge.ok) {
      // Keyed by the account under attack: a burst from many addresses is one line a minute.
      this.auditLog.repeated(`login-limited:${name}`, { action: 'login', actor: name, address, result: 'rate-limited' });
      return { ok: false, reason: 'limited', retryAfterSeconds: charge.retryAfterSeconds };
    }
    let account: Account | undefined;
    try {
      account = await this.accounts.check(name, password);
    } catch (error) {
      if (!(error instanceof HashQueueFull)) throw error;
      this.limiter.refund(userKey, charge.atMs);
      this.limiter.refund(addressKey, charge.atMs);
      this.auditLog.repeated(`login-busy:${address}`, { action: 'login', actor: name, address, result: 'busy' });
      return { ok: false, reason: 'busy', retryAfterSeconds: 1 };
    }
    if (account === undefined) {
      this.auditLog.repeated(`login-failed:${name}:${address}`, { action: 'login', actor: name, address, result: 'failed' });
      return { ok: false, reason: 'invalid', retryAfterSeconds: 0 };
    }
    this.limiter.clear(userKey);
    this.limiter.refund(addressKey, charge.atMs);
    this.audit({ action: 'login', user: name, address, result: 'ok' });
    return { ok: true, account, token: this.sessions.create(account.name, account.role, address) };
  }

  /** Who the credentials belong to: a live session, or (bearer only) a live API token. */
  authenticate(credentials: Credentials, address: string): Session | undefined {
    if (credentials.token === null) return undefined;
    const session = this.sessions.lookup(credentials.token);
    if (session !== undefined) {
      const account = this.accounts.get(session.user);
      if (account === undefined || account.disabled === true) {
        this.sessions.revoke(credentials.token);
        return undefined;
      }
      return session;
    }
    if (credentials.via !== 'bearer') return undefined;
    const found = this.tokens.lookup(credentials.token);
    if (found === undefined) return undefined;
    const { token, firstUse } = found;
    if (firstUse) this.audit({ action: 'token.first-use', user: `token:${token.name}`, address, args: { id: token.id }, result: 'ok' });
    return { id: `token-${token.id}`, user: `token:${token.name}`, role: token.role, createdAtMs: Date.parse(token.createdAt), lastSeenMs: Date.now(), tokenId: token.id, container: token.container };
  }

  /** Appends one audit line (logins, logouts, every state-changing call, token events). */
  audit(entry: { action: string; user?: string | null; actor?: string | null; address?: string; args?: Record<string, unknown>; result?: string }): void {
    const input: AuditInput = { action: entry.action, actor: entry.actor ?? entry.user ?? null, address: entry.address ?? 'unknown', result: entry.result ?? 'ok', ...(entry.args === undefined ? {} : { args: entry.args }) };
    this.auditLog.record(input);
  }

  /** A refusal (401/403/421): summarised per kind, so a flood writes one line a minute. */
  refused(kind: string, input: AuditInput): void {
    this.auditLog.repeated(`refused:${kind}:${input.actor ?? '-'}:${input.address}`, input);
  }

  close(): void {
    this.auditLog.close();
    this.tokens.flush();
  }
}

/** The credentials of a request: a bearer token first, else the session cookie named `cookieName`. */
export function credentialsOf(req: IncomingMessage, cookieName: string = SESSION_COOKIE): Credentials {
  const authorization = req.headers.authorization;
  if (authorization !== undefined && /^bearer /i.test(authorization)) {
    const token = authorization.slice('Bearer '.length).trim();
    return { token: token.length > 0 && token.length <= CREDENTIAL_CHARS_MAX ? token : null, via: 'bearer' };
  }
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === cookieName) {
      const token = rest.join('=');
      return { token: token.length > 0 && token.length <= CREDENTIAL_CHARS_MAX ? token : null, via: 'cookie' };
    }
  }
  return { token: null, via: 'none' };
}

/**
 * CSRF (docs/SECURITY.md): a cookie-authenticated mutation needs the custom header and an
 * Origin naming this very server. No Origin, no mutation: every browser sends Origin on a
 * cross-origin request and on same-origin POST/PUT/DELETE, so only a non-browser lacks it, and
 * a non-browser has no business using a cookie.
 */
export function csrfProblem(req: IncomingMessage): string | null {
  if (req.headers[CSRF_HEADER] !== '1') return `missing ${CSRF_HEADER} header`;
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return `Sec-Fetch-Site is ${fetchSite}`;
  const origin = req.headers.origin;
  if (origin === undefined) return 'missing Origin header';
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return 'malformed Origin header';
  }
  if (parsed.host !== req.headers.host) return `Origin ${origin} does not match the server`;
  const secure = 'encrypted' in req.socket && req.socket.encrypted === true;
  if (parsed.protocol !== (secure ? 'https:' : 'http:')) return `Origin ${origin} does not match the server's scheme`;
  return null;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}; Max-Age=${12 * 3600}`;
}

export function clearedSessionCookie(secure = false): string {
  return `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}; Max-Age=0`;
}
