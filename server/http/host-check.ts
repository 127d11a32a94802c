// Which Host headers the server answers (docs/SECURITY.md). A browser tricked by DNS rebinding
// sends the attacker's name as Host; answering only the names the server is configured for
// (loopback, the address it is bound to, the machine's own IPs when bound to all, and the
// --advertise / cluster.yml `server.advertise` names) turns that into a 421.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';

export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];
/** Advertised names accepted at most (flag and cluster.yml together). */
export const ADVERTISE_NAMES_MAX = 32;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.includes(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || name.endsWith('.localhost');
}

/** The hostname of a Host header value (`[::1]:3000` is `::1`), lower case, no trailing dot. */
export function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  const name = value.startsWith('[') ? value.slice(1, value.indexOf(']') > 0 ? value.indexOf(']') : undefined) : value.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

export class HostAllowList {
  private readonly names = new Set<string>();

  constructor(bindHost: string, advertise: readonly string[]) {
    for (const name of LOOPBACK_NAMES) this.names.add(name);
    if (WILDCARD_HOSTS.has(bindHost)) {
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) this.names.add(a.address.toLowerCase());
    } else {
      this.names.add(hostnameOf(bindHost.includes(':') ? `[${bindHost}]` : bindHost));
    }
    for (const name of advertise) this.names.add(hostnameOf(name));
  }

  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined || hostHeader === '') return false;
    const name = hostnameOf(hostHeader);
    return this.names.has(name) || (isLoopbackHost(name) && name !== '');
  }

  list(): string[] {
    return [...this.names].sort();
  }
}

/** Answers 421 to a request for a name this server does not serve; true when refused. */
export function refuseUnknownHost(allowed: HostAllowList, req: IncomingMessage, res: ServerResponse): boolean {
  if (allowed.allows(req.headers.host)) return false;
  req.resume();
  res.writeHead(421, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { code: 'MisdirectedRequest', message: `this server does not answer for host ${JSON.stringify((req.headers.host ?? '').slice(0, 100))}; add it with --advertise` } }));
  return true;
}
