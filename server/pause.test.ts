// The real pause test: the whole server process (every node of the embedded cluster at once) is
// stopped with SIGSTOP for 1, 3 and 5 s under an HTTP write load, then continued. No node may be
// declared down for the process's own sleep: no `node.down` event, the cluster online and
// healthy, and every acknowledged write reads back with its latest value. The stall shows in
// /metrics and on the Overview.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { until } from './testing/until';

const ROOT = join(import.meta.dirname, '..');
const PASSWORD = 'pause-test-password';
const READY_TIMEOUT_MS = 30_000;
const PAUSES_MS = [1_000, 3_000, 5_000];
/** Load between pauses, so heartbeats and writes flow again before the next stop. */
const CALM_MS = 1_000;
const WRITERS = 4;
const KEYS_PER_WRITER = 8;
/** Longer than any pause: a write held up by a stop is answered after it, not given up. */
const REQUEST_TIMEOUT_MS = 20_000;
/** These waits ask a real server over HTTP: poll less often than in-process checks. */
const POLL_MS = 200;

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

function startServer(dataDir: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'tessera.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--no-console'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TESSERA_ADMIN_PASSWORD: PASSWORD } });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => { output += chunk.toString(); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const ready = (): void => {
      const match = /Tessera console on (http:\/\/\S+)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', ready);
      resolve({ child, url: match[1], output: () => output });
    };
    child.stdout.on('data', ready);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
}

async function trpc<T>(url: string, path: string, token: string | null, input?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
  const response = token === null
    ? await fetch(`${url}/api/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input) })
    : await fetch(`${url}/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers });
  const body = await response.json() as { result?: { data: T }; error?: { message: string } };
  if (body.result === undefined) throw new Error(`${path}: ${body.error?.message ?? response.status}`);
  return body.result.data;
}

/** Per key: the last acknowledged value, and the values attempted after it (their outcome unknown). */
interface KeyHistory {
  acked: string | undefined;
  unsure: string[];
}

function writeLoad(url: string, token: string): { stop: () => Promise<void>; keys: Map<string, KeyHistory>; acked: () => number } {
  const keys = new Map<string, KeyHistory>();
  let stopped = false;
  let ackedWrites = 0;
  const writers = Array.from({ length: WRITERS }, async (_, w) => {
    for (let i = 0; !stopped; i++) {
      const key = `pause-w${w}-k${i % KEYS_PER_WRITER}`;
      const value = `${key}:${i}`;
      const history = keys.get(key) ?? { acked: undefined, unsure: [] };
      keys.set(key, history);
      history.unsure.push(value);
      try {
        const response = await fetch(`${url}/api/v1/containers/default/objects/${encodeURIComponent(key)}`,
          { method: 'PUT', body: value, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        await response.arrayBuffer();
        if (response.status === 200) {
          history.acked = value;
          history.unsure = [];
          ackedWrites++;
        }
      } catch {
        // Unknown outcome: the value stays among the possible ones.
      }
    }
  });
  return { stop: async () => { stopped = true; await Promise.all(writers); }, keys, acked: () => ackedWrites };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test(`SIGSTOP of the whole server for ${PAUSES_MS.join(', ')} ms under write load: no node declared down, online and healthy, no acknowledged write lost`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-pause-'));
  const server = await startServer(dataDir);
  try {
    const { token } = await trpc<{ token: string }>(server.url, 'auth.login', null, { username: 'admin', password: PASSWORD, as: 'token' });
    const health = async (): Promise<{ status: string; redundancy: string; reasons: string[] }> => (await fetch(`${server.url}/healthz`)).json() as Promise<{ status: string; redundancy: string; reasons: string[] }>;
    assert.ok(await until(async () => (await health()).redundancy === 'healthy', READY_TIMEOUT_MS, POLL_MS), 'the new cluster never became healthy');
    const load = writeLoad(server.url, token);
    let ackedBeforeStops = 0;
    try {
      await sleep(CALM_MS);
      for (const pausedMs of PAUSES_MS) {
        ackedBeforeStops = load.acked();
        assert.ok(server.child.kill('SIGSTOP'));
        await sleep(pausedMs);
        assert.ok(server.child.kill('SIGCONT'));
        // Writes flow again after the stop (the load is real, before and after).
        assert.ok(await until(() => load.acked() > ackedBeforeStops, 10_000, 50), `no write acknowledged after the ${pausedMs} ms stop`);
        await sleep(CALM_MS);
      }
    } finally {
      await load.stop();
    }

    const events = await trpc<{ events: Array<{ code: string; message: string }> }>(server.url, 'events.query', token, { pageSize: 500 });
    // Nor may a primary give up on its secondary for the stop (a reconfiguration "unreachable").
    const unwanted = events.events.filter((e) => e.code === 'node.down' || e.code === 'cluster.offline' || e.code === 'slice.failover' || (e.code === 'slice.reconfigured' && e.message.includes('unreachable')));
    assert.deepEqual(unwanted.map((e) => `${e.code}: ${e.message}`), []);
    assert.ok(await until(async () => { const h = await health(); return h.status === 'online' && h.redundancy === 'healthy'; }, 10_000, POLL_MS),
      `not online and healthy after the stops: ${JSON.stringify(await health())}`);
    const overview = await trpc<{ availability: string; longestStallMs: number | null; counts: { slicesOneCopy: number; slicesNoCopy: number } }>(server.url, 'cluster.overview', token);
    assert.equal(overview.availability, 'online');
    assert.deepEqual([overview.counts.slicesOneCopy, overview.counts.slicesNoCopy], [0, 0], 'no copy dropped from an in-sync set');

    // Every acknowledged write reads back with its latest value (or a later attempt's).
    assert.ok(load.acked() >= 20, `only ${load.acked()} writes acknowledged`);
    const lost: string[] = [];
    for (const [key, history] of load.keys) {
      if (history.acked === undefined) continue;
      const response = await fetch(`${server.url}/api/v1/containers/default/objects/${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const value = await response.text();
      if (response.status !== 200 || (value !== history.acked && !history.unsure.includes(value))) lost.push(`${key}: acknowledged ${history.acked}, found ${response.status} ${value}`);
    }
    assert.deepEqual(lost, []);

    console.log(`${load.acked()} writes acknowledged across the stops, ${load.keys.size} keys read back; longest stall shown: ${overview.longestStallMs} ms`);
    // The stall is visible: on the Overview, in /metrics, and as a warning line.
    assert.ok((overview.longestStallMs ?? 0) >= 4_000, `longest stall shown: ${overview.longestStallMs}`);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const slow = /tessera_event_loop_delay_seconds_bucket\{le="2.5"\} (\d+)[\s\S]*tessera_event_loop_delay_seconds_count (\d+)/.exec(metrics);
    assert.ok(slow !== null, 'the event-loop delay histogram is exported');
    assert.ok(Number(slow[2]) - Number(slow[1]) >= 2, 'the 3 s and 5 s stops are in the histogram above 2.5 s');
    assert.match(server.output(), /warning: the event loop stalled for \d+ ms/);
  } finally {
    server.child.kill('SIGCONT');
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
