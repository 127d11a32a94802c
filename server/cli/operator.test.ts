// The operator CLI against a real server: a wrong password refused (nothing changes), status,
// settings, cluster offline with auto-online after 5 s, node offline/online, a failover drill,
// and its errors.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT_DIR, startServer } from '../index';
import { until } from '../testing/until';

/** These waits ask a real server over HTTP: poll less often than in-process checks. */
const POLL_MS = 200;

const PASSWORD = 'cli-test-password';
process.env['TESSERA_ADMIN_PASSWORD'] = PASSWORD;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), ...args], { env: { ...process.env, TESSERA_PASSWORD: PASSWORD, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}


test('tessera refuses a wrong password, then status, settings, cluster offline/online with auto-online, node offline/online/fail against a running server', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-ops-'));
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', configPath: join(ROOT_DIR, 'cluster.yml'), withConsole: false });
  const at = ['--server', server.url];
  const nodeStates = async (): Promise<Record<string, string>> => (JSON.parse((await cli(['status', '--json', ...at])).stdout) as { nodeStates: Record<string, string> }).nodeStates;
  const health = async (): Promise<string> => ((await (await fetch(`${server.url}/healthz`)).json()) as { status: string }).status;
  try {
    // A wrong password: the CLI exits non-zero with the server's one-line answer, and the
    // mutation it was asked for never happens.
    const wrongPassword = await cli(['cluster', 'offline', '--reason', 'wrong password', ...at], { TESSERA_PASSWORD: 'not-the-password' });
    assert.equal(wrongPassword.status, 1);
    assert.match(wrongPassword.stderr, /^tessera: wrong username or password$/m);
    assert.equal(wrongPassword.stdout, '');
    assert.equal(await health(), 'online');

    const status = await cli(['status', ...at]);
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /^cluster online, healthy/m);
    assert.match(status.stdout, /node-3\s+up\s+up/);

    assert.equal((await cli(['settings', 'set', 'autoOnlineTimeoutSeconds', '5', ...at])).status, 0);
    assert.equal((await cli(['settings', 'set', 'autoRebalance', 'false', ...at])).status, 0);
    const settings = JSON.parse((await cli(['settings', 'get', '--json', ...at])).stdout) as { autoOnlineTimeoutSeconds: number; autoRebalance: boolean };
    assert.equal(settings.autoOnlineTimeoutSeconds, 5);
    assert.equal(settings.autoRebalance, false);
    const bad = await cli(['settings', 'set', 'heartbeatIntervalMs', '5', ...at]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /heartbeatIntervalMs: .*>=10/);

    // Offline, then back online by itself after 5 s, which the events say.
    assert.equal((await cli(['cluster', 'offline', '--reason', 'cli drill', ...at])).status, 0);
    assert.equal(await health(), 'offline');
    assert.ok(await until(async () => (await health()) === 'online', 20_000, POLL_MS), 'auto-online did not bring the cluster back');
    const events = (await cli(['events', '--json', ...at])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { code: string; message: string; actor: string });
    assert.ok(events.some((e) => e.code === 'cluster.offline' && e.message.includes('cli drill') && e.actor === 'admin'));
    assert.ok(events.some((e) => e.code === 'cluster.online' && e.message.includes('auto-online after 5 s')));
    assert.equal(events.filter((e) => e.code === 'cluster.offline').length, 1, 'the wrong-password attempt took the cluster offline');

    // An operator's node offline/online.
    assert.equal((await cli(['node', 'offline', 'node-2', ...at])).status, 0);
    assert.equal((await nodeStates())['node-2'], 'offline');
    assert.equal((await cli(['node', 'online', 'node-2', ...at])).status, 0);
    assert.equal((await nodeStates())['node-2'], 'up');
    const again = await cli(['node', 'online', 'node-2', ...at]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /node-2 is up, not offline/);

    // Failover drill: the node stops; the controller declares it down; online restarts it.
    assert.equal((await cli(['node', 'fail', 'node-3', ...at])).status, 0);
    assert.ok(await until(async () => (await nodeStates())['node-3'] === 'down', 10_000, POLL_MS), 'node-3 was not declared down');
    assert.equal((await cli(['node', 'online', 'node-3', ...at])).status, 0);
    assert.ok(await until(async () => (await nodeStates())['node-3'] === 'up', 15_000, POLL_MS), 'node-3 did not come back');
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the CLI reports a missing password and an unreachable server in one line', async () => {
  const unreachable = await cli(['status', '--server', 'http://127.0.0.1:9'], {});
  assert.equal(unreachable.status, 1);
  assert.match(unreachable.stderr, /^tessera: cannot reach the server at http:\/\/127\.0\.0\.1:9/);
  const missing = await cli(['status'], { TESSERA_PASSWORD: '' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /set TESSERA_PASSWORD/);
  const usage = await cli(['node', 'reboot', 'node-1', '--server', 'http://127.0.0.1:9']);
  assert.notEqual(usage.status, 0);
});
