// Who may use the HTTP data API (docs/API.md, docs/SECURITY.md). Every request needs an API
// token (Authorization: Bearer) or a console session cookie; a cookie-authenticated mutation
// also needs the CSRF header and a same-origin Origin. Roles: viewer reads and lists, operator
// also writes and deletes objects, admin also creates and deletes containers. A token scoped
// to a container touches that container only. Refusals are 401/403 with a JSON error and are
// audited (summarised); container changes are audited one by one and object writes summarised.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { rank, type Role } from '../auth/accounts';
import { credentialsOf, csrfProblem, type AuthService } from '../auth/auth-service';
import type { Session } from '../auth/sessions';
import { API_PREFIX } from './data-api';

export interface DataRequestNeed {
  readonly role: Role;
  /** The container the request touches; null for the list of containers and for creation. */
  readonly container: string | null;
  readonly mutation: boolean;
  /** The audit action of a state change (null for reads). */
  readonly action: 'container.create' | 'container.delete' | 'object.put' | 'object.delete' | null;
  readonly key: string | null;
}

export interface DataAccess {
  readonly actor: string;
  /** The only container this caller may see, or null for all. */
  readonly container: string | null;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What a data-API request needs, from its method and path alone (before anything is read). */
export function dataRequestNeed(method: string, pathname: string): DataRequestNeed {
  const rest = pathname.slice(API_PREFIX.length);
  const mutation = !['GET', 'HEAD'].includes(method);
  if (rest === '' || rest === '/') {
    if (method === 'POST') return { role: 'admin', container: null, mutation, action: 'container.create', key: null };
    return { role: 'viewer', container: null, mutation, action: null, key: null };
  }
  const match = /^\/([^/]+)(\/objects(?:\/(.*))?)?$/.exec(rest);
  const container = match?.[1] === undefined ? null : decoded(match[1]);
  if (match?.[2] === undefined) {
    if (method === 'DELETE') return { role: 'admin', container, mutation, action: 'container.delete', key: null };
    return { role: 'viewer', container, mutation, action: null, key: null };
  }
  const key = match[3] === undefined || match[3] === '' ? null : decoded(match[3]);
  if (key !== null && method === 'PUT') return { role: 'operator', container, mutation, action: 'object.put', key };
  if (key !== null && method === 'DELETE') return { role: 'operator', container, mutation, action: 'object.delete', key };
  return { role: 'viewer', container, mutation, action: null, key };
}

function refuse(res: ServerResponse, status: 401 | 403 | 503, code: string, message: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    // A refused upload is not read to its end: the connection closes after this answer.
    connection: 'close',
    ...(status === 401 ? { 'www-authenticate': 'Bearer realm="tessera"' } : {}),
  });
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * Checks a data-API request's credentials; answers the refusal itself and returns null, or
 * returns the caller's access (and arranges the audit line of a state change).
 */
export function authorizeDataRequest(auth: AuthService | undefined, req: IncomingMessage, res: ServerResponse): DataAccess | null {
  if (auth === undefined) {
    refuse(res, 503, 'Unavailable', 'the server is starting');
    return null;
  }
  const address = req.socket.remoteAddress ?? 'unknown';
  const method = req.method ?? 'GET';
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  const need = dataRequestNeed(method, pathname);
  const credentials = credentialsOf(req, auth.cookieName);
  const session: Session | undefined = auth.authenticate(credentials, address);
  const refused = (status: 401 | 403, code: string, message: string): null => {
    auth.refused(`data:${status}`, { action: `refused.data.${method}`, actor: session?.user ?? null, address, args: { path: pathname.slice(0, 200) }, result: `${status} ${message}` });
    req.resume();
    refuse(res, status, code, message);
    return null;
  };
  if (session === undefined) {
    return refused(401, 'Unauthorized', credentials.token === null
      ? 'credentials required: send an API token (Authorization: Bearer <token>) or sign in to the console'
      : 'the API token or session is unknown, revoked or expired');
  }
  if (need.mutation && credentials.via === 'cookie') {
    const problem = csrfProblem(req);
    if (problem !== null) return refused(403, 'Forbidden', `cross-site request refused: ${problem}`);
  }
  const scope = session.container ?? null;
  if (scope !== null) {
    if (need.action === 'container.create') return refused(403, 'Forbidden', `this token is scoped to container ${scope}: it cannot create containers`);
    if (need.container !== null && need.container !== scope) return refused(403, 'Forbidden', `this token is scoped to container ${scope}, not ${need.container}`);
  }
  if (rank(session.role) < rank(need.role)) return refused(403, 'Forbidden', `this needs the ${need.role} role; ${session.user} is ${session.role}`);
  if (need.action !== null) auditOnFinish(auth, session.user, address, need, res);
  return { actor: session.user, container: scope };
}

function auditOnFinish(auth: AuthService, actor: string, address: string, need: DataRequestNeed, res: ServerResponse): void {
  res.once('finish', () => {
    const result = String(res.statusCode);
    const created = String(res.getHeader('location') ?? '').split('/').pop() ?? '';
    const container = need.container ?? (created === '' ? null : decoded(created));
    const args = { container, ...(need.key === null ? {} : { key: need.key }) };
    if (need.action === 'container.create' || need.action === 'container.delete') {
      auth.audit({ action: need.action, user: actor, address, args, result });
    } else if (need.action !== null) {
      // Object writes are data, not administration: one line per kind a minute, with a count.
      auth.auditLog.repeated(`data:${need.action}:${actor}:${address}:${need.container ?? ''}:${result}`, { action: need.action, actor, address, args, result });
    }
  });
}
