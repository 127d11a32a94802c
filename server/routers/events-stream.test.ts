// The events live stream over HTTP: server-sent events, the backlog first, then new events.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT_DIR, startServer } from '../index';

const PASSWORD = 'stream-test-password';
process.env['TESSERA_ADMIN_PASSWORD'] = PASSWORD;

test('events.stream sends the backlog, then each new event as it is committed; it needs a session', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-stream-'));
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', configPath: join(ROOT_DIR, 'cluster.yml'), withConsole: false });
  const controller = new AbortController();
  try {
    const url = `${server.url}/api/trpc/events.stream?input=${encodeURIComponent(JSON.stringify({ afterIndex: 0 }))}`;
    assert.equal((await fetch(url)).status, 401);
    const login = await fetch(`${server.url}/api/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD, as: 'token' }) });
    const token = ((await login.json()) as { result: { data: { token: string } } }).result.data.token;
    const headers = { authorization: `Bearer ${token}` };
    const response = await fetch(url, { headers, signal: controller.signal });
    assert.equal(response.headers.get('content-type')?.startsWith('text/event-stream'), true);
    const reader = response.body?.getReader();
    assert.ok(reader !== undefined);
    const decoder = new TextDecoder();
    let text = '';
    const codes = (): string[] => [...text.matchAll(/^data: (\{.*"code":"([^"]+)".*\})$/gm)].map((m) => m[2] ?? '');
    const readUntil = async (done: () => boolean): Promise<void> => {
      while (!done()) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    };
    await readUntil(() => codes().includes('container.created'));
    assert.deepEqual(codes().slice(0, 2), ['cluster.bootstrapped', 'container.created']);
    // A new event arrives on the open stream.
    await fetch(`${server.url}/api/trpc/operations.setSettings`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ autoOnlineTimeoutSeconds: 42 }) });
    await readUntil(() => codes().includes('settings.changed'));
    assert.match(text, /autoOnlineTimeoutSeconds changed from 600 to 42/);
  } finally {
    controller.abort();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
