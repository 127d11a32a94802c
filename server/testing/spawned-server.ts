// A real Tessera server in a child process (bin/tessera.mjs start) on a temporary data
// directory and a free port, for attack and authorization tests; plus a raw HTTP request
// helper that can choose its source address (127.0.0.N) and send any Host header.

import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { ROOT_DIR } from '../index';

/** How long a spawned server may take to say it is ready (the machine may be busy). */
export const SPAWN_READY_TIMEOUT_MS = 90_000;

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export function spawnServer(dataDir: string, env: Record<string, string>, args: readonly string[] = []): Promise<SpawnedServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--no-console', ...args], { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let ready = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server not ready in ${SPAWN_READY_TIMEOUT_MS} ms:\n${output}`)); }, SPAWN_READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Tessera console on (https?:\/\/[^\s]+)/.exec(output);
      if (!ready && match?.[1] !== undefined) {
        ready = true;
        clearTimeout(timer);
        const url = match[1];
        resolve({
          child, url, port: Number(new URL(url).port), output: () => output,
          stop: () => new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`server exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
}

/** Runs `tessera start` expecting it to fail; resolves with its exit code and stderr. */
export function failingStart(dataDir: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--no-console'], { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_READY_TIMEOUT_MS);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Source address, e.g. 127.0.0.7: each one is its own "address" for the sign-in limiter. */
  readonly from?: string;
}

/** One HTTP request to 127.0.0.1:`port`, exactly as given (Host included when set). */
export function raw(port: number, req: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const r = request({
      host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path,
      headers: { ...(req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(req.body)) }), ...req.headers },
      ...(req.from === undefined ? {} : { localAddress: req.from }),
      agent: false,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * A small, patient cluster.yml for security tests: 64 slices, and a failure detector that does
 * not take a node on a busy machine for dead (the tests are about access, not failover).
 */
export const SECURITY_TEST_CONFIG = `topology:
  nodes: 3
  vnsPerNode: 2
  drivesPerNode: 1
settings:
  failureDetectionTimeoutMs: 20000
  heartbeatIntervalMs: 200
  autoOnlineTimeoutSeconds: 5
containers:
  default:
    slices: 64
`;
