// The lmdb baseline runs inside the load generator (one durable copy, no network): here only its
// temporary directory.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSystem } from './system';

export function lmdbTarget(): RunningSystem {
  const root = mkdtempSync(join(tmpdir(), 'tessera-bench-lmdb-'));
  return {
    name: 'lmdb',
    target: { kind: 'lmdb', dir: root },
    serverPids: [],
    stop: () => { rmSync(root, { recursive: true, force: true }); return Promise.resolve(); },
  };
}
