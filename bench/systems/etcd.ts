// The etcd baseline: three members on loopback (free ports, temporary data directories),
// started and stopped by the benchmark. Debian's `etcd-server` provides the binary; when it is
// missing the benchmark installs it if it runs as root, and otherwise skips etcd and says why.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../server/testing/until';
import { stopChild } from './child';
import { freePort } from './free-port';
import type { RunningSystem } from './system';

export const ETCD_MEMBERS = 3;
/** How long the members may take to elect a leader and answer /health (busy machine). */
export const ETCD_READY_TIMEOUT_MS = 60_000;
/** Backend quota: far above what a run writes (etcd keeps every revision until compacted). */
export const ETCD_QUOTA_BACKEND_BYTES = 8 * 1024 ** 3;

function etcdOnPath(): boolean {
  return spawnSync('etcd', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Null when etcd can run; otherwise why it is skipped. Installs it from apt when root. */
export function ensureEtcd(log: (line: string) => void): string | null {
  if (etcdOnPath()) return null;
  if (process.getuid?.() !== 0) return 'etcd is not installed and this is not root: skipped (apt-get install etcd-server to compare with it)';
  log('etcd is missing: apt-get install -y etcd-server');
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', 'etcd-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!install()) return 'apt-get install -y etcd-server failed: etcd skipped';
  }
  return etcdOnPath() ? null : 'etcd-server installed but `etcd` is not on PATH: skipped';
}

async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${clientUrl}/health`);
    return res.ok && ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

export async function startEtcd(): Promise<RunningSystem> {
  const root = mkdtempSync(join(tmpdir(), 'tessera-bench-etcd-'));
  const members: Array<{ name: string; clientUrl: string; peerUrl: string }> = [];
  for (let i = 0; i < ETCD_MEMBERS; i++) members.push({ name: `m${i}`, clientUrl: `http://127.0.0.1:${await freePort()}`, peerUrl: `http://127.0.0.1:${await freePort()}` });
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((child) => stopChild(child)));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const m of members) {
      const log = openSync(join(root, `${m.name}.log`), 'a');
      children.push(spawn('etcd', [
        '--name', m.name, '--data-dir', join(root, m.name),
        '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl,
        '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
        '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', 'tessera-bench',
        '--quota-backend-bytes', String(ETCD_QUOTA_BACKEND_BYTES),
      ], { stdio: ['ignore', log, log] }));
    }
    const ready = await until(async () => (await Promise.all(members.map((m) => healthy(m.clientUrl)))).every(Boolean), ETCD_READY_TIMEOUT_MS, 200);
    if (!ready) throw new Error(`etcd did not become healthy within ${ETCD_READY_TIMEOUT_MS} ms (logs in ${root}):\n${execFileSync('tail', ['-n', '20', join(root, 'm0.log')]).toString()}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: 'etcd',
    target: { kind: 'etcd', endpoints: members.map((m) => m.clientUrl) },
    serverPids: children.map((c) => c.pid ?? 0).filter((pid) => pid > 0),
    stop,
  };
}
