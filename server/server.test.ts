import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, ROOT_DIR } from './index';
import { appRouter } from './routers/_app';
import { createCallerFactory } from './trpc';
import { getCluster } from './cluster/instance';
import { testContext } from './testing/context';

const configPath = join(ROOT_DIR, 'cluster.yml');
const ADMIN_PASSWORD = 'test-admin-password';
process.env['TESSERA_ADMIN_PASSWORD'] = ADMIN_PASSWORD;

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

test('the server serves /healthz, /metrics and tRPC over the embedded cluster, and a restart keeps the cluster identity and the controller\'s Raft state', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-server-'));
  const first = await startServer({ dataDir, port: 0, host: '127.0.0.1', configPath, withConsole: false });
  let clusterId: unknown;
  let before: { containers: Array<{ name: string; seedHex: string }>; raft: Array<{ role: string; term: number; commitIndex: number }>; events: number } | undefined;
  try {
    // Heartbeats need a moment before peers see each other.
    let health = await getJson(`${first.url}/healthz`);
    for (let i = 0; i < 50 && health.body['nodesUp'] !== 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await getJson(`${first.url}/healthz`);
    }
    assert.equal(health.status, 200);
    assert.equal(health.body['status'], 'online');
    assert.equal(health.body['nodesUp'], 3);
    clusterId = health.body['clusterId'];
    assert.match(String(clusterId), /^[0-9a-f]{32}$/);

    // Reads need a session: sign in as the admin created on first start.
    const login = await fetch(`${first.url}/api/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD, as: 'token' }) });
    const token = ((await login.json()) as { result: { data: { token: string } } }).result.data.token;
    assert.equal((await fetch(`${first.url}/api/trpc/cluster.overview`)).status, 401);
    const trpc = { body: await (await fetch(`${first.url}/api/trpc/cluster.overview`, { headers: { authorization: `Bearer ${token}` } })).json() as Record<string, unknown> };
    const overview = (trpc.body['result'] as { data: { nodes: Array<{ vns: unknown[]; drives: unknown[] }> } }).data;
    assert.equal(overview.nodes.length, 3);
    for (const node of overview.nodes) {
      assert.equal(node.vns.length, 4);
      assert.equal(node.drives.length, 4);
    }
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    assert.match(metrics, /tessera_cluster_online 1/);
    assert.match(metrics, /tessera_slices\{copies="2"\} 4096/);

    const caller = createCallerFactory(appRouter)(testContext(getCluster(), 'viewer'));
    assert.equal((await caller.nodes.list()).length, 3);
    before = { containers: await caller.slices.containers(), raft: await caller.controlPlane.status(), events: (await caller.events.query({})).events.length };
    assert.equal(before.containers[0]?.name, 'default');
    assert.equal(before.raft.filter((r) => r.role === 'leader').length, 1);
    await assert.rejects(caller.nodes.get({ nodeId: 'node-9' }), /no node node-9/);
    assert.equal((await caller.drives.list()).length, 12);
  } finally {
    await first.close();
  }
  const second = await startServer({ dataDir, port: 0, host: '127.0.0.1', configPath, withConsole: false });
  try {
    const health = await getJson(`${second.url}/healthz`);
    assert.equal(health.body['clusterId'], clusterId);
    // The controller's Raft log survived: same container seed, same events, terms and commits
    // no lower than before (a restart re-elects, so the term grows).
    const caller = createCallerFactory(appRouter)(testContext(getCluster(), 'viewer'));
    const containers = await caller.slices.containers();
    assert.equal(containers[0]?.seedHex, before.containers[0].seedHex);
    assert.equal((await caller.events.query({})).events.length, before.events);
    const raft = await caller.controlPlane.status();
    const maxTerm = (rs: Array<{ term: number }>): number => Math.max(...rs.map((r) => r.term));
    assert.ok(maxTerm(raft) > maxTerm(before.raft), 'a new term after the restart');
    assert.ok(Math.max(...raft.map((r) => r.commitIndex)) >= Math.max(...before.raft.map((r) => r.commitIndex)));
  } finally {
    await second.close();
  }
});

test('tRPC answers SERVICE_UNAVAILABLE while no cluster is running', async () => {
  const caller = createCallerFactory(appRouter)(testContext(undefined, 'viewer'));
  await assert.rejects(caller.cluster.overview(), /cluster is starting/);
});

function cli(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

test('tessera start reports a bad cluster.yml, an unwritable data dir and a port in use in one line each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  const badConfig = join(dir, 'bad.yml');
  writeFileSync(badConfig, 'settings:\n  autoOnlineTimeoutSeconds: -5\n');
  const configError = cli(['start', '--config', badConfig, '--data-dir', join(dir, 'd1'), '--port', '0']);
  assert.equal(configError.status, 1);
  assert.equal(configError.stderr.trim().split('\n').length, 1);
  assert.match(configError.stderr, /settings\.autoOnlineTimeoutSeconds: must be at least 0 \(found -5\)/);

  const fileInTheWay = join(dir, 'a-file');
  writeFileSync(fileInTheWay, 'x');
  const dirError = cli(['start', '--config', configPath, '--data-dir', join(fileInTheWay, 'data'), '--port', '0']);
  assert.equal(dirError.status, 1);
  assert.match(dirError.stderr, /^tessera: data directory .* is not writable \(ENOTDIR\)\n$/);

  const holder = await startServer({ dataDir: join(dir, 'd2'), port: 0, host: '127.0.0.1', configPath, withConsole: false });
  try {
    const port = new URL(holder.url).port;
    const portError = cli(['start', '--config', configPath, '--data-dir', join(dir, 'd3'), '--port', port, '--no-console']);
    assert.equal(portError.status, 1);
    assert.match(portError.stderr, new RegExp(`^tessera: port ${port} on 127.0.0.1 is already in use`));
    // The same data directory cannot be opened twice: two engines would fight over the drives.
    await assert.rejects(startServer({ dataDir: join(dir, 'd2'), port: 0, host: '127.0.0.1', configPath, withConsole: false }), /is in use by process/);
  } finally {
    await holder.close();
  }

  const usage = cli(['start', '--port', 'abc']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--port must be an integer in 0\.\.65535, got abc/);
});
