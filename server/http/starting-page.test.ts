import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { STARTING_PAGE_RELOAD_SECONDS, sendConsoleStarting } from './starting-page';

let server: Server;
let base: string;
let withConsole = true;

before(async () => {
  server = createServer((req, res) => sendConsoleStarting(req, res, withConsole));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('a browser gets a page that says the console is being built and reloads itself', async () => {
  withConsole = true;
  const res = await fetch(`${base}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  assert.equal(res.status, 503);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const body = await res.text();
  assert.match(body, /being built/);
  assert.match(body, new RegExp(`http-equiv="refresh" content="${STARTING_PAGE_RELOAD_SECONDS}"`));
});

test('an API client keeps the JSON error with the Starting code', async () => {
  withConsole = true;
  const res = await fetch(`${base}/`, { headers: { accept: 'application/json' } });
  assert.equal(res.status, 503);
  const body = await res.json() as { error: { code: string } };
  assert.equal(body.error.code, 'Starting');
});

test('a server without the console says so in JSON even to a browser', async () => {
  withConsole = false;
  const res = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
  assert.equal(res.status, 503);
  const body = await res.json() as { error: { message: string } };
  assert.match(body.error.message, /without the console/);
});
