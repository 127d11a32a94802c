// The real crash test: runs `tessera start` on a temporary data directory, drives a concurrent
// write load through the HTTP API, kills the process with SIGKILL at a random moment, restarts
// it, and checks that every acknowledged write is there with its latest acknowledged value.
//
//   npm run crash -- [--kills N] [--writers W] [--seed S]
//
// Two kinds of keys: write-once keys (each must hold exactly its acknowledged value) and one
// counter key per writer, overwritten with 1, 2, 3...: after a restart it must hold a value
// between the last acknowledged one and the last attempted one.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../engine/sim/prng';
import { TEST_API_TOKEN, TEST_AUTH_HEADERS } from '../server/testing/api-token';

export interface CrashRunOptions {
  readonly kills: number;
  readonly writers: number;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export interface CrashRunReport {
  readonly kills: number;
  readonly ackedWrites: number;
  readonly verifiedKeys: number;
  readonly lost: readonly string[];
  readonly restartMs: readonly number[];
  readonly writesPerRound: readonly number[];
}

const ROOT = join(import.meta.dirname, '..');
/**
 * How long a (re)started server may take to accept a write before the run gives up on it. A
 * liveness bound, not a timing goal (that is RESTART_GOAL_MS): generous, because on a busy
 * machine a start (tsx, lmdb, a Raft election) has taken over 30 s.
 */
const READY_TIMEOUT_MS = 120_000;
/**
 * The restart-time goal: the slowest restart (kill to the first write accepted again) under
 * this. Reported by `npm run crash`, never asserted in a test (timing depends on the machine).
 */
export const RESTART_GOAL_MS = 10_000;

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

function startServer(dataDir: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'tessera.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--no-console'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TESSERA_BOOTSTRAP_TOKEN: TEST_API_TOKEN } });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Tessera console on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
}

async function put(url: string, key: string, value: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v1/containers/default/objects/${encodeURIComponent(key)}`, { method: 'PUT', body: value, headers: TEST_AUTH_HEADERS, signal: AbortSignal.timeout(15_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function get(url: string, key: string): Promise<{ status: number; value: string }> {
  const response = await fetch(`${url}/api/v1/containers/default/objects/${encodeURIComponent(key)}`, { headers: TEST_AUTH_HEADERS, signal: AbortSignal.timeout(15_000) });
  return { status: response.status, value: await response.text() };
}

/** Waits until a write goes through: the cluster is serving again. */
async function waitServing(url: string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (await put(url, 'probe', 'ok')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the restarted cluster did not accept a write');
}

async function killHard(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  await exited;
}

async function inParallel<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await run(item);
    }
  }));
}

export async function runCrashTest(options: CrashRunOptions): Promise<CrashRunReport> {
  const log = options.log ?? (() => undefined);
  const random = new SeededRandom(options.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
  const acked = new Map<string, string>();
  const counterAcked = new Map<string, number>();
  const counterAttempted = new Map<string, number>();
  const restartMs: number[] = [];
  const writesPerRound: number[] = [];
  const lost: string[] = [];
  let server = await startServer(dataDir);
  try {
    await waitServing(server.url);
    for (let round = 0; round < options.kills; round++) {
      const control = { stop: false };
      // Read through a function: the flag flips while a write is awaited.
      const stopped = (): boolean => control.stop;
      let ackedThisRound = 0;
      const url = server.url;
      const writers = Array.from({ length: options.writers }, async (_, w) => {
        const counterKey = `counter-${w}`;
        for (let i = 0; !stopped(); i++) {
          const key = `r${round}-w${w}-${i}`;
          const value = `${key}:${random.nextU32().toString(16)}`;
          if (await put(url, key, value)) {
            acked.set(key, value);
            ackedThisRound++;
          } else if (stopped()) {
            break;
          }
          const next = (counterAttempted.get(counterKey) ?? 0) + 1;
          counterAttempted.set(counterKey, next);
          if (await put(url, counterKey, String(next))) {
            counterAcked.set(counterKey, Math.max(counterAcked.get(counterKey) ?? 0, next));
            ackedThisRound++;
          }
        }
      });
      const killAfterMs = 200 + random.nextInt(1_300);
      await new Promise((r) => setTimeout(r, killAfterMs));
      control.stop = true;
      await killHard(server);
      await Promise.all(writers);
      writesPerRound.push(ackedThisRound);
      const startedAt = performance.now();
      server = await startServer(dataDir);
      await waitServing(server.url);
      const tookMs = performance.now() - startedAt;
      restartMs.push(tookMs);
      const after = server.url;
      await inParallel([...acked.entries()], 16, async ([key, value]) => {
        const found = await get(after, key);
        if (found.status !== 200 || found.value !== value) lost.push(`round ${round}: ${key} expected ${value}, found ${found.status} ${found.value}`);
      });
      await inParallel([...counterAcked.entries()], 16, async ([key, ackedValue]) => {
        const found = await get(after, key);
        const value = Number(found.value);
        const attempted = counterAttempted.get(key) ?? 0;
        if (found.status !== 200 || !(value >= ackedValue && value <= attempted)) lost.push(`round ${round}: ${key} holds ${found.status} ${found.value}, acknowledged ${ackedValue}, attempted ${attempted}`);
      });
      log(`kill ${round + 1}/${options.kills} after ${killAfterMs} ms: ${ackedThisRound} writes acknowledged, restart ${Math.round(tookMs)} ms, ${acked.size + counterAcked.size} keys verified, ${lost.length} lost`);
    }
  } finally {
    await killHard(server).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { kills: options.kills, ackedWrites: writesPerRound.reduce((a, b) => a + b, 0), verifiedKeys: acked.size + counterAcked.size, lost, restartMs, writesPerRound };
}

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : Number(process.argv[index + 1]);
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

if (process.argv[1]?.endsWith('crash-run.ts') === true) {
  const report = await runCrashTest({ kills: flag('kills', 15), writers: flag('writers', 8), seed: flag('seed', Date.now() % 1_000_000), log: (line) => console.log(line) });
  const sorted = [...report.restartMs].sort((a, b) => a - b);
  console.log(`${report.kills} kills, ${report.ackedWrites} acknowledged writes, ${report.verifiedKeys} keys verified, ${report.lost.length} lost; restart median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms`);
  const slowestMs = sorted[sorted.length - 1] ?? 0;
  console.log(`restart goal: slowest under ${RESTART_GOAL_MS} ms: ${slowestMs < RESTART_GOAL_MS ? 'met' : `missed (${Math.round(slowestMs)} ms)`}`);
  for (const line of report.lost.slice(0, 20)) console.log(`LOST ${line}`);
  process.exitCode = report.lost.length === 0 ? 0 : 1;
}
