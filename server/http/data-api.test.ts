// The HTTP data API as documented in docs/API.md: status codes, headers and error bodies.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT_DIR, startServer, type RunningServer } from '../index';
import { authedFetch, useTestApiToken } from '../testing/api-token';
import { getCluster } from '../cluster/instance';

let server: RunningServer;
let dataDir: string;
const objects = (key: string, container = 'default'): string => `${server.url}/api/v1/containers/${container}/objects/${encodeURIComponent(key)}`;

async function errorCode(response: Response): Promise<string> {
  const body = await response.json() as { error: { code: string; message: string } };
  assert.equal(typeof body.error.message, 'string');
  return body.error.code;
}

before(async () => {
  useTestApiToken();
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-api-'));
  server = await startServer({ dataDir, port: 0, host: '127.0.0.1', configPath: join(ROOT_DIR, 'cluster.yml'), withConsole: false });
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('objects: put, get with ETag, conditional put, delete, versions keep increasing', async () => {
  const key = 'photos/2026/cat.jpg';
  let response = await authedFetch(objects(key), { method: 'PUT', body: new Uint8Array([1, 2, 3, 0, 255]) });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('etag'), '"1"');
  assert.deepEqual(await response.json(), { version: 1 });
  response = await authedFetch(objects(key));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('etag'), '"1"');
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), new Uint8Array([1, 2, 3, 0, 255]));
  response = await authedFetch(objects(key), { method: 'PUT', body: 'v2', headers: { 'if-match': '"1"' } });
  assert.deepEqual(await response.json(), { version: 2 });
  response = await authedFetch(objects(key), { method: 'PUT', body: 'v3', headers: { 'if-match': '"1"' } });
  assert.equal(response.status, 412);
  assert.equal(await errorCode(response), 'PreconditionFailed');
  response = await authedFetch(objects(key), { method: 'PUT', body: 'v3', headers: { 'if-none-match': '*' } });
  assert.equal(response.status, 412);
  await response.arrayBuffer();
  response = await authedFetch(objects(key), { method: 'DELETE' });
  assert.equal(response.status, 204);
  response = await authedFetch(objects(key));
  assert.equal(response.status, 404);
  assert.equal(await errorCode(response), 'NotFound');
  response = await authedFetch(objects(key), { method: 'PUT', body: 'back', headers: { 'if-none-match': '*' } });
  assert.deepEqual(await response.json(), { version: 4 });
});

test('bad input gets a clear error naming the field, and stores nothing', async () => {
  let response = await authedFetch(objects('k'.repeat(1025)), { method: 'PUT', body: 'x' });
  assert.equal(response.status, 400);
  assert.equal(await errorCode(response), 'InvalidArgument');
  response = await authedFetch(objects('big'), { method: 'PUT', body: new Uint8Array(1_048_577) });
  assert.equal(response.status, 413);
  assert.equal(await errorCode(response), 'TooLarge');
  assert.equal((await authedFetch(objects('big'))).status, 404);
  response = await authedFetch(objects('x'), { method: 'PUT', body: 'x', headers: { 'if-match': 'soon' } });
  assert.equal(response.status, 400);
  assert.match(((await response.json()) as { error: { message: string } }).error.message, /^If-Match:/);
  response = await authedFetch(objects('x', 'nope'));
  assert.equal(response.status, 404);
  assert.equal(await errorCode(response), 'NoSuchContainer');
  response = await authedFetch(`${server.url}/api/v1/containers`, { method: 'POST', body: '{"name":"Bad Name"}' });
  assert.equal(response.status, 400);
  assert.match(((await response.json()) as { error: { message: string } }).error.message, /^name:/);
  response = await authedFetch(`${server.url}/api/v1/containers`, { method: 'POST', body: '{"name":"ok","slices":100}' });
  assert.equal(response.status, 400);
  assert.match(((await response.json()) as { error: { message: string } }).error.message, /^slices:/);
});

test('containers: create (201, then 409), list, each with its own seed, guarded delete', async () => {
  let response = await authedFetch(`${server.url}/api/v1/containers`, { method: 'POST', body: JSON.stringify({ name: 'logs', slices: 256 }) });
  assert.equal(response.status, 201);
  assert.deepEqual(((await response.json()) as { name: string; slices: number }).slices, 256);
  response = await authedFetch(`${server.url}/api/v1/containers`, { method: 'POST', body: JSON.stringify({ name: 'logs', slices: 256 }) });
  assert.equal(response.status, 409);
  assert.equal(await errorCode(response), 'AlreadyExists');
  const listed = await (await authedFetch(`${server.url}/api/v1/containers`)).json() as { containers: Array<{ name: string }> };
  assert.deepEqual(listed.containers.map((c) => c.name), ['default', 'logs']);
  assert.equal((await authedFetch(objects('line-1', 'logs'), { method: 'PUT', body: 'hello' })).status, 200);
  response = await authedFetch(`${server.url}/api/v1/containers/logs`, { method: 'DELETE' });
  assert.equal(response.status, 409);
  assert.equal(await errorCode(response), 'NotEmpty');
  assert.equal((await authedFetch(`${server.url}/api/v1/containers/logs?force=true`, { method: 'DELETE' })).status, 204);
  assert.equal((await authedFetch(objects('line-1', 'logs'))).status, 404);
  // A re-created container starts empty: its new seed keys a fresh namespace.
  assert.equal((await authedFetch(`${server.url}/api/v1/containers`, { method: 'POST', body: JSON.stringify({ name: 'logs', slices: 64 }) })).status, 201);
  assert.equal((await authedFetch(objects('line-1', 'logs'))).status, 404);
});

test('listing by prefix, paged with a cursor', async () => {
  for (let i = 0; i < 25; i++) assert.equal((await authedFetch(objects(`list/${String(i).padStart(2, '0')}`), { method: 'PUT', body: String(i) })).status, 200);
  const keys: string[] = [];
  let cursor = '';
  for (let page = 0; page < 10; page++) {
    const body = await (await authedFetch(`${server.url}/api/v1/containers/default/objects?prefix=list/&limit=10&cursor=${encodeURIComponent(cursor)}`)).json() as { keys: Array<{ key: string; version: number; size: number }>; nextCursor: string | null };
    keys.push(...body.keys.map((k) => k.key));
    if (body.nextCursor === null) break;
    cursor = body.nextCursor;
  }
  assert.deepEqual(keys, Array.from({ length: 25 }, (_, i) => `list/${String(i).padStart(2, '0')}`));
  const bad = await authedFetch(`${server.url}/api/v1/containers/default/objects?limit=0`);
  assert.equal(bad.status, 400);
  await bad.arrayBuffer();
});

test('while the cluster is offline, object requests answer 503 at once with the reason, not after the client deadline', async () => {
  const cluster = getCluster();
  assert.ok(cluster !== undefined);
  const offline = await cluster.propose({ type: 'cluster.offline', actor: 'test', timeMs: Date.now(), reason: 'api test maintenance' });
  assert.ok(offline.ok);
  try {
    for (const url of [objects('list/00'), `${server.url}/api/v1/containers/default/objects?prefix=list/`]) {
      const response = await authedFetch(url);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '1');
      const body = await response.json() as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'Unavailable');
      assert.match(body.error.message, /offline: api test maintenance/);
    }
    const put = await authedFetch(objects('while-offline'), { method: 'PUT', body: 'x' });
    assert.equal(put.status, 503);
    await put.arrayBuffer();
  } finally {
    assert.ok((await cluster.propose({ type: 'cluster.online', actor: 'test', timeMs: Date.now(), reason: 'api test done' })).ok);
  }
});
