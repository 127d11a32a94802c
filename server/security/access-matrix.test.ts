// Table-driven: every data-API route and every tRPC procedure over HTTP, called with no
// credentials, a bad token, each role's token, a token scoped to another container, a token
// scoped to this one, and a console cookie without the CSRF header. Each answer must be the
// one the rules give (docs/SECURITY.md): 401 without valid credentials, 403 below the role or
// outside the scope or cross-site, and anything else (200, 404, 503 ...) when allowed.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { rank, type Role } from '../auth/accounts';
import { startServer, type RunningServer } from '../index';
import { appRouter } from '../routers/_app';
import { TEST_AUTH_HEADERS, useTestApiToken } from '../testing/api-token';
import { raw, SECURITY_TEST_CONFIG } from '../testing/spawned-server';

const ADMIN_PASSWORD = 'matrix-admin-password';
process.env['TESSERA_ADMIN_PASSWORD'] = ADMIN_PASSWORD;
useTestApiToken();

interface Caller {
  readonly name: string;
  readonly headers: Record<string, string>;
  /** null: not authenticated at all. */
  readonly role: Role | null;
  readonly scope: string | null;
  /** A cookie without the CSRF header: reads pass, mutations are cross-site. */
  readonly cookieWithoutCsrf: boolean;
}

let server: RunningServer;
let dataDir: string;
let port: number;
const callers: Caller[] = [];

async function trpcMutate(path: string, input: unknown): Promise<unknown> {
  const answer = await raw(port, { method: 'POST', path: `/api/trpc/${path}`, headers: { ...TEST_AUTH_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(input) });
  assert.equal(answer.status, 200, answer.text);
  return (JSON.parse(answer.text) as { result: { data: unknown } }).result.data;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-matrix-'));
  const configPath = join(dataDir, 'cluster.yml');
  writeFileSync(configPath, SECURITY_TEST_CONFIG);
  server = await startServer({ dataDir: join(dataDir, 'data'), port: 0, host: '127.0.0.1', configPath, withConsole: false });
  port = Number(new URL(server.url).port);
  const token = async (name: string, role: Role, container: string | null): Promise<string> => ((await trpcMutate('access.createToken', { name, role, container })) as { token: string }).token;
  callers.push({ name: 'nobody', headers: {}, role: null, scope: null, cookieWithoutCsrf: false });
  callers.push({ name: 'bad token', headers: { authorization: 'Bearer tsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, role: null, scope: null, cookieWithoutCsrf: false });
  for (const role of ['viewer', 'operator', 'admin'] as const) callers.push({ name: `${role} token`, headers: { authorization: `Bearer ${await token(role, role, null)}` }, role, scope: null, cookieWithoutCsrf: false });
  callers.push({ name: 'admin token scoped to other', headers: { authorization: `Bearer ${await token('other-scope', 'admin', 'other')}` }, role: 'admin', scope: 'other', cookieWithoutCsrf: false });
  callers.push({ name: 'operator token scoped to default', headers: { authorization: `Bearer ${await token('default-scope', 'operator', 'default')}` }, role: 'operator', scope: 'default', cookieWithoutCsrf: false });
  const login = await raw(port, { method: 'POST', path: '/api/trpc/auth.login', headers: { 'content-type': 'application/json', origin: server.url, 'x-tessera-csrf': '1' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  const cookie = /^(tessera_session=[^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
  callers.push({ name: 'admin cookie without CSRF header', headers: { cookie }, role: 'admin', scope: null, cookieWithoutCsrf: true });
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Route {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly role: Role;
  /** The container it touches (null: the list, or a creation). */
  readonly container: string | null;
  readonly creates?: boolean;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/api/v1/containers', role: 'viewer', container: null },
  { method: 'POST', path: '/api/v1/containers', body: '{"name":"CALLER","slices":64}', role: 'admin', container: null, creates: true },
  { method: 'GET', path: '/api/v1/containers/default', role: 'viewer', container: 'default' },
  { method: 'DELETE', path: '/api/v1/containers/no-such-container', role: 'admin', container: 'no-such-container' },
  { method: 'GET', path: '/api/v1/containers/default/objects', role: 'viewer', container: 'default' },
  { method: 'GET', path: '/api/v1/containers/default/objects/k', role: 'viewer', container: 'default' },
  { method: 'HEAD', path: '/api/v1/containers/default/objects/k', role: 'viewer', container: 'default' },
  { method: 'PUT', path: '/api/v1/containers/default/objects/k', body: 'value', role: 'operator', container: 'default' },
  { method: 'DELETE', path: '/api/v1/containers/default/objects/k', role: 'operator', container: 'default' },
];

function expected(caller: Caller, route: Route): '401' | '403' | 'allowed' {
  if (caller.role === null) return '401';
  if (caller.cookieWithoutCsrf && !['GET', 'HEAD'].includes(route.method)) return '403';
  if (caller.scope !== null && (route.creates === true || (route.container !== null && route.container !== caller.scope))) return '403';
  return rank(caller.role) >= rank(route.role) ? 'allowed' : '403';
}

test('every data-API route answers each caller as the rules say', async () => {
  let checked = 0;
  for (const route of ROUTES) {
    for (const [i, caller] of callers.entries()) {
      const body = route.body?.replace('CALLER', `made-by-${i}`);
      const answer = await raw(port, { method: route.method, path: route.path, headers: caller.headers, ...(body === undefined ? {} : { body }) });
      const want = expected(caller, route);
      const got = answer.status === 401 ? '401' : answer.status === 403 ? '403' : 'allowed';
      assert.equal(got, want, `${route.method} ${route.path} as ${caller.name}: ${answer.status} ${answer.text}`);
      if (got !== 'allowed' && route.method !== 'HEAD') assert.match(answer.text, /^\{"error":\{"code":"(Unauthorized|Forbidden)","message":"[^"]+"\}\}$/);
      checked++;
    }
  }
  assert.equal(checked, ROUTES.length * callers.length);
});

test('a token scoped to a container lists only that container', async () => {
  const scoped = callers.find((c) => c.scope === 'default');
  assert.ok(scoped !== undefined);
  const answer = await raw(port, { path: '/api/v1/containers', headers: scoped.headers });
  assert.deepEqual((JSON.parse(answer.text) as { containers: Array<{ name: string }> }).containers.map((c) => c.name), ['default']);
});

test('every tRPC procedure over HTTP: 401 with no credentials or a bad token, 403 for a container-scoped token', async () => {
  const PUBLIC = new Set(['auth.login', 'auth.logout', 'auth.me']);
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);
  for (const [path, procedure] of procedures) {
    if (PUBLIC.has(path)) continue;
    for (const caller of callers.filter((c) => c.role === null || c.scope !== null)) {
      const isMutation = procedure._def.type === 'mutation';
      const answer = await raw(port, isMutation
        ? { method: 'POST', path: `/api/trpc/${path}`, headers: { ...caller.headers, 'content-type': 'application/json' }, body: '{}' }
        : { path: `/api/trpc/${path}?input=${encodeURIComponent('{}')}`, headers: caller.headers });
      assert.equal(answer.status, caller.role === null ? 401 : 403, `${path} as ${caller.name}: ${answer.text.slice(0, 200)}`);
    }
  }
});
