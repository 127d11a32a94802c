// The write lease on a real server process: a region named active by a majority of three
// arbitrators takes writes; flipped to the other region it redirects writers there (307) and
// serves reads locally; named active again it waits out the previous lease; with the majority
// of arbitrators gone it fences itself (503) once its lease ends.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BOOTSTRAP_TOKEN_ENV } from '../auth/tokens';
import { TEST_API_TOKEN, TEST_AUTH_HEADERS } from '../testing/api-token';
import { spawnServer, type SpawnedServer } from '../testing/spawned-server';
import { setActive } from './aca-client';
import { startAcaServer, type AcaServer } from './aca-server';

const ACA_TOKEN = 'region-fencing-test-token';
const dir = mkdtempSync(join(tmpdir(), 'tessera-region-'));
const arbitrators: AcaServer[] = [];
let server: SpawnedServer | undefined;
after(async () => {
  await server?.stop();
  await Promise.all(arbitrators.map((a) => a.close()));
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a region writes under the arbitrators\' lease, redirects when passive, waits out the old lease, fences without a majority', async () => {
  for (let i = 1; i <= 3; i++) {
    arbitrators.push(await startAcaServer({ instance: `aca-${i}`, host: '127.0.0.1', port: 0, stateFile: join(dir, `aca-${i}.json`), initial: { active: 'region-a', secondary: 'region-b', generation: 1 }, token: ACA_TOKEN, log: () => {} }));
  }
  const urls = arbitrators.map((a) => a.url);
  const config = join(dir, 'cluster.yml');
  writeFileSync(config, [
    'containers:', '  default:', '    slices: 64',
    'region:', '  id: region-a', '  peers:', '    region-b: http://127.0.0.1:39999', '  arbitrators:', ...urls.map((u) => `    - ${u}`), '  leaseMs: 2000', '  pollIntervalMs: 300', '',
  ].join('\n'));
  server = await spawnServer(join(dir, 'data'), { [BOOTSTRAP_TOKEN_ENV]: TEST_API_TOKEN }, ['--config', config]);
  const base = server.url;
  const put = (key: string): Promise<Response> => fetch(`${base}/api/v1/containers/default/objects/${key}`, { method: 'PUT', headers: TEST_AUTH_HEADERS, body: key, redirect: 'manual' });

  // Active once the takeover wait is over.
  await until('the region to accept writes', async () => ((await fetch(`${base}/healthz?role=active`)).status === 200 ? true : undefined));
  assert.equal((await put('k1')).status, 200);
  const read = await fetch(`${base}/api/v1/containers/default/objects/k1`, { headers: TEST_AUTH_HEADERS });
  assert.equal(read.status, 200);
  assert.equal(read.headers.get('x-tessera-region-role'), 'region-a; active');

  // The arbitrators name region-b: writes go there, reads stay local.
  const flipped = await setActive(urls, 'region-b', 'region-a', ACA_TOKEN);
  assert.equal(flipped.majority, true);
  const redirect = await until('a redirect', async () => { const r = await put('k2'); return r.status === 307 ? r : undefined; });
  assert.equal(redirect.headers.get('location'), 'http://127.0.0.1:39999/api/v1/containers/default/objects/k2');
  assert.equal((await fetch(`${base}/api/v1/containers/default/objects/k1`, { headers: TEST_AUTH_HEADERS })).status, 200, 'a passive region serves reads');
  const health = (await (await fetch(`${base}/healthz?role=active`)).json()) as { region: { role: string } };
  assert.equal(health.region.role, 'passive');
  assert.equal((await fetch(`${base}/healthz?role=active`)).status, 503);

  // Back to region-a at a new generation: it must wait out region-b's possible lease first.
  await setActive(urls, 'region-a', 'region-b', ACA_TOKEN);
  const waiting = await until('the takeover wait', async () => { const r = await put('k3'); return r.status === 503 ? r : r.status === 307 ? undefined : r; });
  assert.equal(waiting.status, 503, 'the first answer after the flip back is the wait, not a write');
  assert.match(((await waiting.json()) as { error: { message: string } }).error.message, /waiting out the previous active's lease/);
  assert.ok(Number(waiting.headers.get('retry-after')) >= 1);
  await until('writes after the wait', async () => ((await put('k3')).status === 200 ? true : undefined));

  // Two of three arbitrators gone: the lease runs out and the region fences itself.
  await arbitrators[1]?.close();
  await arbitrators[2]?.close();
  const fenced = await until('the fence', async () => { const r = await put('k4'); return r.status === 503 ? r : undefined; });
  assert.match(((await fenced.json()) as { error: { code: string; message: string } }).error.message, /fenced/);
  assert.match(server.output(), /region region-a: passive/);
});

test('a planned switchover: the active region fences itself (and stays fenced across a restart) before the arbitrators hand off', async () => {
  const acas: AcaServer[] = [];
  for (let i = 1; i <= 3; i++) acas.push(await startAcaServer({ instance: `p-${i}`, host: '127.0.0.1', port: 0, stateFile: join(dir, `p-${i}.json`), initial: { active: 'region-a', secondary: 'region-b', generation: 1 }, token: ACA_TOKEN, log: () => {} }));
  arbitrators.push(...acas);
  const urls = acas.map((a) => a.url);
  const config = join(dir, 'planned.yml');
  writeFileSync(config, ['containers:', '  default:', '    slices: 64', 'region:', '  id: region-a', '  peers:', '    region-b: http://127.0.0.1:39998', '  arbitrators:', ...urls.map((u) => `    - ${u}`), '  leaseMs: 2000', '  pollIntervalMs: 300', ''].join('\n'));
  const dataDir = join(dir, 'planned-data');
  let region = await spawnServer(dataDir, { [BOOTSTRAP_TOKEN_ENV]: TEST_API_TOKEN }, ['--config', config]);
  try {
    const put = (key: string): Promise<Response> => fetch(`${region.url}/api/v1/containers/default/objects/${key}`, { method: 'PUT', headers: TEST_AUTH_HEADERS, body: key, redirect: 'manual' });
    await until('writes', async () => ((await put('p1')).status === 200 ? true : undefined));
    const fence = await fetch(`${region.url}/api/trpc/region.fence`, { method: 'POST', headers: { ...TEST_AUTH_HEADERS, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(fence.status, 200, await fence.clone().text());
    const fenced = ((await fence.json()) as { result: { data: { generation: number } } }).result.data;
    assert.equal(fenced.generation, 1);
    const refused = await put('p2');
    assert.equal(refused.status, 503);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /fenced for a planned switchover/);

    // A restart keeps the fence, although the arbitrators still name region-a at generation 1.
    await region.stop();
    region = await spawnServer(dataDir, { [BOOTSTRAP_TOKEN_ENV]: TEST_API_TOKEN }, ['--config', config]);
    await until('the region to read the arbitrators again', async () => (((await (await fetch(`${region.url}/healthz`)).json()) as { region?: { role: string } }).region?.role === 'active' ? true : undefined));
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal((await put('p3')).status, 503, 'still fenced after the restart and past the takeover wait');

    // The handoff names region-b at generation 2; a handoff claimed from another generation is refused.
    await assert.rejects(setActive(urls, 'region-b', 'region-a', ACA_TOKEN, { handoffFrom: { fencedGeneration: 7 } }), /fenced generation 7, but the arbitrators are at generation 1/);
    const handoff = await setActive(urls, 'region-b', 'region-a', ACA_TOKEN, { handoffFrom: { fencedGeneration: 1 } });
    assert.equal(handoff.answer.handoff, true);
    await until('the redirect to region-b', async () => ((await put('p4')).status === 307 ? true : undefined));

    // Named active again at a newer generation, region-a is no longer bound by the old fence.
    await setActive(urls, 'region-a', 'region-b', ACA_TOKEN);
    await until('writes at generation 3', async () => ((await put('p5')).status === 200 ? true : undefined));
  } finally {
    await region.stop();
  }
});
