// HTTPS: with --tls-cert/--tls-key the server speaks TLS only, the session cookie is
// __Host-tessera_session with Secure, HSTS is sent, and the CSRF rule wants an https Origin.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../index';
import { SECURITY_TEST_CONFIG } from '../testing/spawned-server';

const PASSWORD = 'tls-test-admin-password';
process.env['TESSERA_ADMIN_PASSWORD'] = PASSWORD;

function post(url: string, ca: Buffer, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const r = request(`${url}${path}`, { method: 'POST', ca, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

test('HTTPS: __Host- Secure cookie, HSTS, an https Origin for cookie mutations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  writeFileSync(join(dir, 'cluster.yml'), SECURITY_TEST_CONFIG);
  const server = await startServer({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', configPath: join(dir, 'cluster.yml'), withConsole: false, tlsCertPath: cert, tlsKeyPath: key });
  try {
    assert.match(server.url, /^https:\/\//);
    const ca = readFileSync(cert);
    const origin = server.url;
    const login = await post(server.url, ca, '/api/trpc/auth.login', { origin, 'x-tessera-csrf': '1' }, JSON.stringify({ username: 'admin', password: PASSWORD }));
    assert.equal(login.status, 200, login.text);
    assert.match(String(login.headers['set-cookie']), /^__Host-tessera_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Secure/);
    assert.match(String(login.headers['strict-transport-security']), /^max-age=\d+/);
    const cookie = /^(__Host-tessera_session=[^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
    // The plain-HTTP cookie name is not a credential here, and an http:// Origin is cross-site.
    const wrongName = await post(server.url, ca, '/api/trpc/operations.setSettings', { cookie: cookie.replace('__Host-', ''), origin, 'x-tessera-csrf': '1' }, '{"autoOnlineTimeoutSeconds":30}');
    assert.equal(wrongName.status, 401);
    const httpOrigin = await post(server.url, ca, '/api/trpc/operations.setSettings', { cookie, origin: origin.replace('https:', 'http:'), 'x-tessera-csrf': '1' }, '{"autoOnlineTimeoutSeconds":30}');
    assert.equal(httpOrigin.status, 403);
    const logout = await post(server.url, ca, '/api/trpc/auth.logout', { cookie, origin, 'x-tessera-csrf': '1' }, '{}');
    assert.equal(logout.status, 200);
    assert.match(String(logout.headers['set-cookie']), /^__Host-tessera_session=; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=0/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
