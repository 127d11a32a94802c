// The access CLI against a real server: token create (secret once, in JSON as `token`), list,
// revoke; the operator CLI with TESSERA_TOKEN; user create and list; the audit log.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT_DIR, startServer } from '../index';
import { SECURITY_TEST_CONFIG } from '../testing/spawned-server';

const PASSWORD = 'access-cli-test-password';
process.env['TESSERA_ADMIN_PASSWORD'] = PASSWORD;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), ...args], { env: { ...process.env, TESSERA_PASSWORD: PASSWORD, TESSERA_TOKEN: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('tessera token create/list/revoke, TESSERA_TOKEN for the operator CLI, tessera user and audit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-access-cli-'));
  writeFileSync(join(dir, 'cluster.yml'), SECURITY_TEST_CONFIG);
  const server = await startServer({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', configPath: join(dir, 'cluster.yml'), withConsole: false });
  const at = ['--server', server.url];
  try {
    const created = await cli(['token', 'create', '--name', 'ci', '--role', 'viewer', '--json', ...at]);
    assert.equal(created.status, 0, created.stderr);
    const token = (JSON.parse(created.stdout) as { token: string; role: string }).token;
    assert.match(token, /^tsk_/);
    const list = await cli(['token', 'list', ...at]);
    assert.match(list.stdout, /ci\s+viewer\s+\*/);
    assert.ok(!list.stdout.includes(token), 'the list never shows a secret');

    const status = await cli(['status', ...at], { TESSERA_TOKEN: token, TESSERA_PASSWORD: '' });
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /^cluster /m);

    assert.equal((await cli(['token', 'revoke', 'ci', ...at])).status, 0);
    const revoked = await cli(['status', ...at], { TESSERA_TOKEN: token, TESSERA_PASSWORD: '' });
    assert.equal(revoked.status, 1);
    assert.match(revoked.stderr, /sign in first/);

    const user = await cli(['user', 'create', 'bob', '--role', 'operator', ...at], { TESSERA_NEW_PASSWORD: 'bob-password-1' });
    assert.equal(user.status, 0, user.stderr);
    const audit = await cli(['audit', '--action', 'token', ...at]);
    assert.match(audit.stdout, /token\.create\s+admin/);
    assert.match(audit.stdout, /token\.revoke\s+admin/);
    assert.ok(!audit.stdout.includes(token), 'secrets never reach the audit log');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
