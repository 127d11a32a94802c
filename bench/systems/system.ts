// A system under test as the orchestrator sees it: how the load generator reaches it, which
// processes serve it (sampled for CPU and memory), and how to stop it.

import type { SystemName, SystemTarget } from '../protocol';

export interface RunningSystem {
  readonly name: SystemName;
  readonly target: SystemTarget;
  /** Server processes apart from the load generator (none for lmdb and the client library). */
  readonly serverPids: readonly number[];
  stop(): Promise<void>;
}

export const SYSTEM_LABELS: Readonly<Record<SystemName, string>> = {
  'tessera-http': 'Tessera HTTP',
  'tessera-library': 'Tessera library',
  etcd: 'etcd',
  lmdb: 'lmdb',
  'raw-http': 'raw HTTP',
};
