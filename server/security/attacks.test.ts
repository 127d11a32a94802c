// The attacks of issue 17, replayed against a real spawned server: each must now fail. Every
// sign-in attack comes from its own loopback source address (127.0.0.N), so the per-address
// limiter of one attack does not spill into the next.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LOGIN_FAILURES_MAX } from '../auth/login-limiter';
import { TEST_API_TOKEN, TEST_AUTH_HEADERS } from '../testing/api-token';
import { failingStart, raw, SECURITY_TEST_CONFIG, spawnServer, type RawAnswer, type SpawnedServer } from '../testing/spawned-server';

const ADMIN_PASSWORD = 'attack-suite-admin-password';
const VICTIM_PASSWORD = 'victim-password-123';
const EVIL = 'https://evil.example';

let server: SpawnedServer;
let dataDir: string;
let port: number;
let origin: string;

const json = (answer: RawAnswer): Record<string, unknown> => JSON.parse(answer.text) as Record<string, unknown>;
const trpcError = (answer: RawAnswer): string => ((json(answer)['error'] as { data?: { code?: string } } | undefined)?.data?.code ?? 'none');

/** A tRPC mutation (POST, JSON body) with the given headers. */
function mutate(path: string, input: unknown, headers: Record<string, string>, from?: string): Promise<RawAnswer> {
  return raw(port, { method: 'POST', path: `/api/trpc/${path}`, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input ?? {}), ...(from === undefined ? {} : { from }) });
}

function query(path: string, input: unknown, headers: Record<string, string>): Promise<RawAnswer> {
  return raw(port, { path: `/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, headers });
}

const admin = { ...TEST_AUTH_HEADERS };

/** Signs in from a browser-like request; returns the cookie header to send back. */
async function browserSignIn(username: string, password: string, from: string): Promise<string> {
  const answer = await mutate('auth.login', { username, password }, { origin, 'x-tessera-csrf': '1' }, from);
  assert.equal(answer.status, 200, answer.text);
  const setCookie = String(answer.headers['set-cookie'] ?? '');
  const cookie = /^(tessera_session=[^;]+)/.exec(setCookie)?.[1];
  assert.ok(cookie !== undefined, setCookie);
  return cookie;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-attacks-'));
  // A permissive umask, as on many machines: the server must still keep its files private.
  process.umask(0o022);
  const configPath = join(tmpdir(), `tessera-attacks-${process.pid}.yml`);
  writeFileSync(configPath, SECURITY_TEST_CONFIG);
  server = await spawnServer(dataDir, { TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD, TESSERA_BOOTSTRAP_TOKEN: TEST_API_TOKEN }, ['--config', configPath]);
  port = server.port;
  origin = `http://127.0.0.1:${port}`;
  for (const name of ['victim', 'staff']) {
    const created = await mutate('access.createUser', { name, role: 'viewer', password: VICTIM_PASSWORD }, admin);
    assert.equal(created.status, 200, created.text);
  }
});

after(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(join(tmpdir(), `tessera-attacks-${process.pid}.yml`), { force: true });
});

test('the data API without credentials: list, get, put, delete, create and force-delete are all 401 and change nothing', async () => {
  const attempts: Array<[string, string, string | undefined]> = [
    ['GET', '/api/v1/containers', undefined],
    ['GET', '/api/v1/containers/default', undefined],
    ['GET', '/api/v1/containers/default/objects', undefined],
    ['GET', '/api/v1/containers/default/objects/k', undefined],
    ['HEAD', '/api/v1/containers/default/objects/k', undefined],
    ['PUT', '/api/v1/containers/default/objects/k', 'stolen'],
    ['DELETE', '/api/v1/containers/default/objects/k', undefined],
    ['POST', '/api/v1/containers', JSON.stringify({ name: 'evil', slices: 64 })],
    ['DELETE', '/api/v1/containers/default?force=true', undefined],
  ];
  for (const [method, path, body] of attempts) {
    const answer = await raw(port, { method, path, ...(body === undefined ? {} : { body }) });
    assert.equal(answer.status, 401, `${method} ${path}`);
    if (method !== 'HEAD') assert.equal((json(answer)['error'] as { code: string }).code, 'Unauthorized');
    assert.match(String(answer.headers['www-authenticate']), /^Bearer/);
  }
  const bad = await raw(port, { path: '/api/v1/containers', headers: { authorization: 'Bearer tsk_not-a-real-token-0000000000000000000000' } });
  assert.equal(bad.status, 401);
  const listed = json(await raw(port, { path: '/api/v1/containers', headers: admin })) as { containers: Array<{ name: string }> };
  assert.deepEqual(listed.containers.map((c) => c.name), ['default'], 'no container was created and default was not deleted');
});

test('cross-site text/plain POST from evil.example: 401 without a cookie, 403 with the victim admin\'s cookie', async () => {
  const body = JSON.stringify({ name: 'evil', slices: 64 });
  const anonymous = await raw(port, { method: 'POST', path: '/api/v1/containers', headers: { 'content-type': 'text/plain', origin: EVIL }, body });
  assert.equal(anonymous.status, 401);
  const cookie = await browserSignIn('admin', ADMIN_PASSWORD, '127.0.0.2');
  const withCookie = await raw(port, { method: 'POST', path: '/api/v1/containers', headers: { 'content-type': 'text/plain', origin: EVIL, cookie }, body });
  assert.equal(withCookie.status, 403);
  assert.match(withCookie.text, /cross-site request refused/);
  // Even with the CSRF header, a foreign or missing Origin is refused (no Origin, no mutation).
  for (const headers of [{ origin: EVIL, 'x-tessera-csrf': '1' }, { 'x-tessera-csrf': '1' }]) {
    const answer = await raw(port, { method: 'PUT', path: '/api/v1/containers/default/objects/csrf', headers: { ...headers, cookie }, body: 'x' });
    assert.equal(answer.status, 403, JSON.stringify(headers));
  }
  // The console's own call (same Origin, the header) passes the checks (then 200, or 503 while a slice is busy).
  const own = await raw(port, { method: 'PUT', path: '/api/v1/containers/default/objects/csrf', headers: { origin, 'x-tessera-csrf': '1', cookie }, body: 'x' });
  assert.ok(![401, 403].includes(own.status), own.text);
  const listed = json(await raw(port, { path: '/api/v1/containers', headers: admin })) as { containers: Array<{ name: string }> };
  assert.ok(!listed.containers.some((c) => c.name === 'evil'));
});

test('DNS rebinding: a Host the server does not answer for gets 421 everywhere', async () => {
  for (const path of ['/api/v1/containers', '/api/trpc/cluster.overview', '/healthz', '/metrics', '/']) {
    const answer = await raw(port, { path, headers: { host: `evil.example:${port}`, ...admin } });
    assert.equal(answer.status, 421, path);
    assert.equal((json(answer)['error'] as { code: string }).code, 'MisdirectedRequest');
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
    assert.equal((await raw(port, { path: '/api/v1/containers', headers: { host, ...admin } })).status, 200, host);
  }
});

test('30 parallel guesses at one account, the last one right: at most 5 reach the password check', async () => {
  const guesses = Array.from({ length: 30 }, (_, i) => mutate('auth.login', { username: 'victim', password: i === 29 ? VICTIM_PASSWORD : `wrong-${i}-password`, as: 'token' }, {}, `127.0.0.${10 + (i % 10)}`));
  const answers = await Promise.all(guesses);
  const checked = answers.filter((a) => a.status === 200 || a.status === 401).length;
  assert.ok(checked <= LOGIN_FAILURES_MAX, `${checked} guesses reached the password check`);
  assert.equal(answers.filter((a) => a.status === 429).length, 30 - checked);
  assert.notEqual(answers[29]?.status, 200, 'the right password, sent among a burst of guesses, is refused with the rest');
});

test('one batched request with 300 sign-ins checks no password', async () => {
  const names = Array.from({ length: 300 }, () => 'auth.login').join(',');
  const input = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [String(i), { username: 'admin', password: i === 299 ? ADMIN_PASSWORD : `guess-${i}`, as: 'token' }]));
  const answer = await raw(port, { method: 'POST', path: `/api/trpc/${names}?batch=1`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(input), from: '127.0.0.30' });
  assert.ok(answer.status >= 400, `status ${answer.status}`);
  assert.doesNotMatch(answer.text, /"token"/, 'no sign-in succeeded');
  const items = JSON.parse(answer.text) as unknown;
  if (Array.isArray(items)) {
    for (const item of items as Array<{ error?: { message: string } }>) assert.match(item.error?.message ?? '', /cannot be batched|too large|batch/i);
  }
  // The account is not locked by them either: no charge was made.
  const single = await mutate('auth.login', { username: 'admin', password: ADMIN_PASSWORD, as: 'token' }, {}, '127.0.0.30');
  assert.equal(single.status, 200, single.text);
});

test('a success on one\'s own account does not reset the address counter', async () => {
  const from = '127.0.0.40';
  for (let i = 0; i < LOGIN_FAILURES_MAX - 1; i++) assert.equal((await mutate('auth.login', { username: 'target', password: `nope-${i}-password`, as: 'token' }, {}, from)).status, 401);
  assert.equal((await mutate('auth.login', { username: 'admin', password: ADMIN_PASSWORD, as: 'token' }, {}, from)).status, 200);
  // One attempt left on the address (the success took back only its own charge).
  assert.equal((await mutate('auth.login', { username: 'someone', password: 'nope-last-password', as: 'token' }, {}, from)).status, 401);
  const limited = await mutate('auth.login', { username: 'someone-else', password: 'nope-more-password', as: 'token' }, {}, from);
  assert.equal(limited.status, 429, limited.text);
});

test('logout by a cross-site form is refused and the session survives; a mutation with no Origin is refused', async () => {
  const cookie = await browserSignIn('admin', ADMIN_PASSWORD, '127.0.0.50');
  const boundary = 'xyz';
  const form = await raw(port, { method: 'POST', path: '/api/trpc/auth.logout', headers: { cookie, origin: EVIL, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: `--${boundary}--\r\n` });
  assert.equal(form.status, 403, form.text);
  const noOrigin = await mutate('auth.logout', {}, { cookie, 'x-tessera-csrf': '1' });
  assert.equal(noOrigin.status, 403, noOrigin.text);
  const setting = await mutate('operations.setSettings', { autoOnlineTimeoutSeconds: 77 }, { cookie, 'x-tessera-csrf': '1' });
  assert.equal(trpcError(setting), 'FORBIDDEN');
  const me = json(await query('auth.me', undefined, { cookie })) as { result: { data: { user: string } | null } };
  assert.equal(me.result.data?.user, 'admin', 'the session is still alive');
  // The console's own logout works.
  assert.equal((await mutate('auth.logout', {}, { cookie, origin, 'x-tessera-csrf': '1' })).status, 200);
  const after = json(await query('auth.me', undefined, { cookie })) as { result: { data: unknown } };
  assert.equal(after.result.data, null);
});

test('security headers on APIs and pages; the console CSP has a fresh nonce and strict-dynamic', async () => {
  for (const path of ['/api/v1/containers', '/api/trpc/cluster.overview', '/healthz']) {
    const answer = await raw(port, { path, headers: admin });
    assert.equal(answer.headers['x-content-type-options'], 'nosniff', path);
    assert.equal(answer.headers['referrer-policy'], 'no-referrer', path);
    assert.match(String(answer.headers['content-security-policy']), /frame-ancestors 'none'/, path);
    assert.equal(answer.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
  }
  const nonces = [];
  for (let i = 0; i < 2; i++) {
    const page = await raw(port, { path: '/' });
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    assert.match(csp, /frame-ancestors 'none'/);
    nonces.push(/'nonce-([^']+)'/.exec(csp)?.[1]);
  }
  assert.notEqual(nonces[0], nonces[1], 'a new nonce per request');
});

test('the session cookie over HTTP is HttpOnly and SameSite=Strict', async () => {
  const answer = await mutate('auth.login', { username: 'admin', password: ADMIN_PASSWORD }, { origin, 'x-tessera-csrf': '1' }, '127.0.0.60');
  assert.match(String(answer.headers['set-cookie']), /^tessera_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
});

test('tokens: created by an admin, shown once, stored hashed, scoped, revocable; viewers cannot write', async () => {
  const create = async (name: string, role: string, container: string | null): Promise<string> => {
    const answer = await mutate('access.createToken', { name, role, container }, admin);
    assert.equal(answer.status, 200, answer.text);
    return (json(answer)['result'] as { data: { token: string } }).data.token;
  };
  const viewer = await create('reader', 'viewer', null);
  const scoped = await create('photos-writer', 'operator', 'photos');
  const list = await query('access.tokens', undefined, admin);
  assert.doesNotMatch(list.text, new RegExp(viewer.slice(4, 30)), 'the list never shows a secret');
  assert.match(list.text, /"name":"reader".*"role":"viewer"/);
  const stored = readFileSync(join(dataDir, 'tokens.json'), 'utf8');
  assert.ok(!stored.includes(viewer) && !stored.includes(scoped) && !stored.includes(TEST_API_TOKEN), 'only digests are stored');
  const asViewer = { authorization: `Bearer ${viewer}` };
  assert.equal((await raw(port, { path: '/api/v1/containers', headers: asViewer })).status, 200);
  assert.equal((await raw(port, { method: 'PUT', path: '/api/v1/containers/default/objects/v', headers: asViewer, body: 'x' })).status, 403);
  assert.equal((await raw(port, { method: 'POST', path: '/api/v1/containers', headers: asViewer, body: '{"name":"v"}' })).status, 403);
  assert.equal(trpcError(await mutate('access.createToken', { name: 'mine', role: 'admin' }, asViewer)), 'FORBIDDEN');
  const asScoped = { authorization: `Bearer ${scoped}` };
  assert.equal((await raw(port, { path: '/api/v1/containers/default/objects/v', headers: asScoped })).status, 403);
  assert.equal(trpcError(await query('cluster.overview', undefined, asScoped)), 'FORBIDDEN');
  const revoked = await mutate('access.revokeToken', { token: 'reader' }, admin);
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal((await raw(port, { path: '/api/v1/containers', headers: asViewer })).status, 401, 'a revoked token is dead at once');
  assert.ok(!server.output().includes(viewer) && !server.output().includes(scoped), 'secrets never reach the log');
});

test('accounts: an admin disables a user and the user\'s session dies; sessions are listed and revoked', async () => {
  const cookie = await browserSignIn('staff', VICTIM_PASSWORD, '127.0.0.70');
  const sessions = json(await query('access.sessions', undefined, admin)) as { result: { data: Array<{ id: string; user: string }> } };
  const mine = sessions.result.data.find((s) => s.user === 'staff');
  assert.ok(mine !== undefined);
  assert.equal((await mutate('access.setDisabled', { name: 'staff', disabled: true }, admin)).status, 200);
  assert.equal((json(await query('auth.me', undefined, { cookie })) as { result: { data: unknown } }).result.data, null);
  assert.equal((await mutate('auth.login', { username: 'staff', password: VICTIM_PASSWORD, as: 'token' }, {}, '127.0.0.71')).status, 401, 'a disabled account cannot sign in');
  assert.equal((await mutate('access.setDisabled', { name: 'staff', disabled: false }, admin)).status, 200);
  const again = await browserSignIn('staff', VICTIM_PASSWORD, '127.0.0.72');
  const listed = json(await query('access.sessions', undefined, admin)) as { result: { data: Array<{ id: string; user: string }> } };
  const id = listed.result.data.find((s) => s.user === 'staff')?.id ?? '';
  assert.equal((await mutate('access.revokeSession', { id }, admin)).status, 200);
  assert.equal((json(await query('auth.me', undefined, { cookie: again })) as { result: { data: unknown } }).result.data, null);
  assert.equal(trpcError(await mutate('access.setDisabled', { name: 'admin', disabled: true }, admin)), 'CONFLICT', 'the last admin stays');
});

test('the data directory is 0700 and its files 0600 under umask 022', () => {
  const mode = (path: string): number => statSync(path).mode & 0o777;
  assert.equal(mode(dataDir), 0o700);
  for (const file of ['accounts.json', 'tokens.json', 'audit.log', 'cluster.json', 'node-1/system/data.mdb', 'node-1/drive-0/data.mdb']) {
    assert.equal(mode(join(dataDir, file)).toString(8), '600', file);
  }
  assert.equal(mode(join(dataDir, 'node-1')).toString(8), '700');
});

test('the audit log has container changes, token events, sign-ins, and summarises floods', async () => {
  const created = await raw(port, { method: 'POST', path: '/api/v1/containers', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'audited', slices: 64 }) });
  assert.equal(created.status, 201, created.text);
  assert.equal((await raw(port, { method: 'DELETE', path: '/api/v1/containers/audited?force=true', headers: admin })).status, 204);
  for (let i = 0; i < 50; i++) await raw(port, { path: '/api/v1/containers', headers: { authorization: 'Bearer nope-nope-nope-nope-nope-nope-nope-00' } });
  const answer = json(await query('access.audit', { limit: 1000 }, admin)) as { result: { data: { entries: Array<{ action: string; actor: string | null; result: string; args?: Record<string, unknown>; repeats?: number }> } } };
  const entries = answer.result.data.entries;
  const has = (action: string, test: (e: (typeof entries)[number]) => boolean = () => true): boolean => {
    const found = entries.some((e) => e.action === action && test(e));
    if (!found) console.log(action, JSON.stringify(entries.filter((e) => e.action === action)));
    return found;
  };
  assert.ok(has('container.create', (e) => e.actor === 'token:bootstrap' && e.args?.['container'] === 'audited' && e.result === '201'));
  assert.ok(has('container.delete', (e) => e.args?.['container'] === 'audited' && e.result === '204'));
  assert.ok(has('token.create', (e) => e.args?.['name'] === 'reader'));
  assert.ok(has('token.revoke'));
  assert.ok(has('token.first-use'));
  assert.ok(has('login', (e) => e.result === 'ok'));
  assert.ok(has('login', (e) => e.result === 'failed'));
  assert.ok(has('logout'));
  assert.ok(has('user.disable'));
  const refusals = entries.filter((e) => e.action === 'refused.data.GET' && e.actor === null);
  assert.ok(refusals.length >= 1 && refusals.length <= 3, `${refusals.length} lines for 50+ refusals`);
  assert.ok(refusals.some((e) => (e.repeats ?? 0) >= 49), 'the repeats are counted');
  const limited = entries.filter((e) => e.action === 'login' && e.result.startsWith('rate-limited'));
  assert.ok(limited.length < 10, `${limited.length} lines for the rate-limited burst`);
  const exported = json(await query('access.auditExport', { format: 'csv', action: 'container' }, admin)) as { result: { data: { content: string } } };
  assert.match(exported.result.data.content, /^time,action,actor/);
  assert.match(exported.result.data.content, /container\.create/);
  assert.ok(!readFileSync(join(dataDir, 'audit.log'), 'utf8').includes(VICTIM_PASSWORD), 'no password in the audit log');
});

test('a too-short TESSERA_ADMIN_PASSWORD or TESSERA_BOOTSTRAP_TOKEN stops the start with one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-badenv-'));
  try {
    const short = await failingStart(join(dir, 'a'), { TESSERA_ADMIN_PASSWORD: 'short', TESSERA_BOOTSTRAP_TOKEN: '' });
    assert.equal(short.code, 1);
    assert.match(short.stderr.trim(), /^tessera: TESSERA_ADMIN_PASSWORD: must be at least 8 characters \(found 5\)$/);
    const token = await failingStart(join(dir, 'b'), { TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD, TESSERA_BOOTSTRAP_TOKEN: 'too-short' });
    assert.equal(token.code, 1);
    assert.match(token.stderr.trim(), /^tessera: TESSERA_BOOTSTRAP_TOKEN: must be 32\.\.256 printable characters/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
