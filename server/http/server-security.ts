// The server's transport security, decided once at start (docs/SECURITY.md): the Host names
// it answers, TLS (certificate and key files), the warning printed when it is reachable beyond
// loopback in clear text, and the per-request screen (421 for unknown hosts, security headers).

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PASSWORD_ENV, passwordProblem } from '../auth/accounts';
import { BOOTSTRAP_TOKEN_ENV, BOOTSTRAP_TOKEN_MAX_CHARS, BOOTSTRAP_TOKEN_MIN_CHARS } from '../auth/tokens';
import { ADVERTISE_NAMES_MAX, HostAllowList, isLoopbackHost, refuseUnknownHost } from './host-check';
import { applyApiHeaders, applyConsoleHeaders } from './security-headers';

export interface TransportOptions {
  readonly host: string;
  readonly advertise: readonly string[];
  readonly tlsCertPath?: string | undefined;
  readonly tlsKeyPath?: string | undefined;
}

export interface TransportSecurity {
  readonly hosts: HostAllowList;
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | null;
  /** The warning line for a non-loopback bind without TLS; null when safe. */
  readonly warning: string | null;
}

/** Reads the TLS files and builds the host list; throws an Error with one line naming the problem. */
export function transportSecurity(options: TransportOptions): TransportSecurity {
  if (options.advertise.length > ADVERTISE_NAMES_MAX) throw new Error(`--advertise: at most ${ADVERTISE_NAMES_MAX} names (found ${options.advertise.length})`);
  for (const name of options.advertise) {
    if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(name)) throw new Error(`--advertise: ${JSON.stringify(name)} is not a host name or IP address`);
  }
  if ((options.tlsCertPath === undefined) !== (options.tlsKeyPath === undefined)) throw new Error('--tls-cert and --tls-key: give both or neither');
  let tls: TransportSecurity['tls'] = null;
  if (options.tlsCertPath !== undefined && options.tlsKeyPath !== undefined) {
    const read = (path: string, flag: string): Buffer => {
      try {
        return readFileSync(path);
      } catch (error) {
        throw new Error(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
      }
    };
    tls = { cert: read(options.tlsCertPath, '--tls-cert'), key: read(options.tlsKeyPath, '--tls-key') };
  }
  const loopback = isLoopbackHost(options.host);
  const warning = tls === null && !loopback
    ? `WARNING: listening on ${options.host} without TLS: passwords, session cookies and API tokens cross the network in clear text; use --tls-cert/--tls-key or bind 127.0.0.1 behind a TLS proxy`
    : null;
  return { hosts: new HostAllowList(options.host, options.advertise), tls, warning };
}

/** Environment mistakes that must stop the start, in one line; null when fine. */
export function authEnvironmentProblem(): string | null {
  const password = process.env[ADMIN_PASSWORD_ENV];
  if (password !== undefined) {
    const problem = passwordProblem(password);
    if (problem !== null) return `${ADMIN_PASSWORD_ENV}: ${problem.replace(/^password: /, '')}`;
  }
  const token = process.env[BOOTSTRAP_TOKEN_ENV];
  if (token !== undefined && token !== '' && (token.length < BOOTSTRAP_TOKEN_MIN_CHARS || token.length > BOOTSTRAP_TOKEN_MAX_CHARS || !/^[\x21-\x7e]+$/.test(token))) {
    return `${BOOTSTRAP_TOKEN_ENV}: must be ${BOOTSTRAP_TOKEN_MIN_CHARS}..${BOOTSTRAP_TOKEN_MAX_CHARS} printable characters without spaces (found ${token.length} characters)`;
  }
  return null;
}

/** API paths get the API headers; everything else is the console. */
export function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path === '/healthz' || path === '/metrics';
}

/**
 * Screens one request: 421 for a Host this server does not answer (true: answered), otherwise
 * sets the security headers of an API or console answer.
 */
export function screenRequest(security: TransportSecurity, req: IncomingMessage, res: ServerResponse, onRefused: (host: string) => void): boolean {
  if (refuseUnknownHost(security.hosts, req, res)) {
    onRefused(req.headers.host ?? '');
    return true;
  }
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (isApiPath(path)) applyApiHeaders(res, security.tls !== null);
  else applyConsoleHeaders(req, res, security.tls !== null);
  return false;
}
