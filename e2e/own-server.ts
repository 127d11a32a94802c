// A server of the test's own, for tests that change the cluster (its availability, settings or
// shape): a fresh temporary data directory and a free port per test, signed in as the admin,
// stopped and deleted afterwards. Such a test neither sees nor leaves anything behind for
// another spec, whatever the order. Read-only specs share playwright.config.ts's webServer,
// which no test changes. The console build is the shared server's (it is ready before any test).
import { test as base, request } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_ADMIN_PASSWORD } from './auth-state';

const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Longest wait for a fresh server to print that its console is serving. */
export const OWN_SERVER_START_TIMEOUT_MS = 90_000;
/** Longest wait for it to flush its drives and exit on SIGTERM before it is killed. */
export const OWN_SERVER_STOP_TIMEOUT_MS = 15_000;

type StorageState = Awaited<ReturnType<Awaited<ReturnType<typeof request.newContext>>['storageState']>>;

interface OwnServer {
  readonly url: string;
  readonly storageState: StorageState;
}

/** Starts `tessera start` on port 0 and reads the URL it listens on from its log. */
function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--config', join(ROOT_DIR, 'cluster.yml')], {
    cwd: ROOT_DIR,
    env: { ...process.env, TESSERA_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    let serving = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`own server did not serve within ${OWN_SERVER_START_TIMEOUT_MS} ms:\n${log}`));
    }, OWN_SERVER_START_TIMEOUT_MS);
    // Read on after it serves too (a full pipe would stall the server), but keep nothing.
    const onData = (chunk: Buffer): void => {
      if (serving) return;
      log += chunk.toString();
      const match = /Tessera console on (http:\/\/\S+)/.exec(log);
      if (match !== null) {
        serving = true;
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`own server exited with code ${String(code)} before serving:\n${log}`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), OWN_SERVER_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export const test = base.extend<{ ownServer: OwnServer }>({
  // Playwright reads a fixture's dependencies from its destructuring: this one has none.
  // eslint-disable-next-line no-empty-pattern
  ownServer: [async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-e2e-own-'));
    let child: ChildProcess | null = null;
    try {
      const started = await startProcess(dataDir);
      child = started.child;
      const context = await request.newContext({ baseURL: started.url });
      const response = await context.post('/api/trpc/auth.login', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD }, headers: { 'x-tessera-csrf': '1', origin: started.url } });
      if (!response.ok()) throw new Error(`own server sign-in failed: ${response.status()} ${await response.text()}`);
      const storageState = await context.storageState();
      await context.dispose();
      await use({ url: started.url, storageState });
    } finally {
      if (child !== null) await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, { timeout: OWN_SERVER_START_TIMEOUT_MS + OWN_SERVER_STOP_TIMEOUT_MS }],
  baseURL: async ({ ownServer }, use) => { await use(ownServer.url); },
  storageState: async ({ ownServer }, use) => { await use(ownServer.storageState); },
});

export { expect } from '@playwright/test';
