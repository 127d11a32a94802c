// Playwright e2e against the real server: a fresh temporary data directory and a free port per
// run, Debian's Chromium (Playwright cannot download browsers here).
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_ADMIN_PASSWORD, E2E_STORAGE_STATE } from './e2e/auth-state';

// The config is evaluated in the runner and again in each worker: fix the choices once in the
// environment so every process agrees on them.
process.env['E2E_DATA_DIR'] ??= mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
process.env['E2E_PORT'] ??= String(20_000 + (process.pid % 20_000));
const port = Number(process.env['E2E_PORT']);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  use: {
    baseURL,
    storageState: E2E_STORAGE_STATE,
    trace: 'off',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    // The console is built first, before any cluster runs (scripts/build-console.ts says why).
    command: `node --import tsx scripts/build-console.ts && node bin/tessera.mjs start --data-dir ${process.env['E2E_DATA_DIR']} --port ${port}`,
    // '/' answers 503 until the console is serving; /healthz is ready earlier.
    url: `${baseURL}/`,
    timeout: 360_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    env: { TESSERA_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD },
    stderr: 'pipe',
  },
});
