// Tessera as operators run it: `tessera start` in a child process on a temporary data directory
// and a free port, with a bootstrap API token for the data API; and the same cluster
// configuration for the in-process client-library run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOTSTRAP_TOKEN_ENV } from '../../server/auth/tokens';
import { TEST_API_TOKEN } from '../../server/testing/api-token';
import { spawnServer } from '../../server/testing/spawned-server';
import type { RunningSystem } from './system';

/**
 * The shipped cluster.yml's topology (3 nodes × 4 VNs × 4 drives, 4096 slices), with a failure
 * detector that does not take a node on this busy, shared machine for dead mid-run: a failover
 * would measure the failover, not the write path.
 */
export const BENCH_CLUSTER_CONFIG = `topology:
  nodes: 3
  vnsPerNode: 4
  drivesPerNode: 4
  driveCapacityBytes: 3840000000000
settings:
  heartbeatIntervalMs: 100
  failureDetectionTimeoutMs: 5000
  autoOnlineTimeoutSeconds: 30
containers:
  default:
    slices: 4096
`;

export const BENCH_NODES = 3;

/** A temporary directory with `cluster.yml` (the config above) and an empty `data/`. */
export function benchClusterDir(prefix: string): { root: string; dataDir: string; configPath: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const configPath = join(root, 'cluster.yml');
  writeFileSync(configPath, BENCH_CLUSTER_CONFIG);
  return { root, dataDir: join(root, 'data'), configPath };
}

export async function startTesseraServer(): Promise<RunningSystem> {
  const { root, dataDir, configPath } = benchClusterDir('tessera-bench-server-');
  try {
    const server = await spawnServer(dataDir, { [BOOTSTRAP_TOKEN_ENV]: TEST_API_TOKEN }, ['--config', configPath]);
    return {
      name: 'tessera-http',
      target: { kind: 'tessera-http', url: server.url, token: TEST_API_TOKEN },
      serverPids: server.child.pid === undefined ? [] : [server.child.pid],
      stop: async () => { await server.stop(); rmSync(root, { recursive: true, force: true }); },
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** The client-library run: the cluster starts inside the load generator; only its files here. */
export function libraryTarget(): RunningSystem {
  const { root, dataDir, configPath } = benchClusterDir('tessera-bench-library-');
  return {
    name: 'tessera-library',
    target: { kind: 'tessera-library', dir: dataDir, configPath },
    serverPids: [],
    stop: () => { rmSync(root, { recursive: true, force: true }); return Promise.resolve(); },
  };
}
