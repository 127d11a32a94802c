// The process's one cluster. Next.js and tsx may load server modules more than once; keeping the
// instance on globalThis guarantees a single engine per data directory.

import type { EmbeddedCluster } from './embedded-cluster';

const KEY = Symbol.for('tessera.cluster');

type Holder = { [KEY]?: EmbeddedCluster | undefined };

export function setCluster(cluster: EmbeddedCluster | undefined): void {
  const holder = globalThis as Holder;
  holder[KEY] = cluster;
}

export function getCluster(): EmbeddedCluster | undefined {
  return (globalThis as Holder)[KEY];
}
