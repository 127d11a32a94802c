// Tessera through its client library, in the process that runs the cluster (the embedded
// cluster, as `tessera start` runs it, without HTTP): what the data plane costs on its own.

import { loadClusterConfig } from '../../server/config/cluster-config';
import { EmbeddedCluster } from '../../server/cluster/embedded-cluster';
import { until } from '../../server/testing/until';
import type { Driver } from './driver';

/** How long the cluster may take to accept a first write after it opens (busy machine). */
export const LIBRARY_READY_TIMEOUT_MS = 60_000;

export class LibraryDriver implements Driver {
  private constructor(private readonly cluster: EmbeddedCluster) {}

  static async open(dataDir: string, configPath: string): Promise<LibraryDriver> {
    const cluster = await EmbeddedCluster.open({ dataDir, config: loadClusterConfig(configPath), log: () => undefined });
    const driver = new LibraryDriver(cluster);
    const ready = await until(async () => (await cluster.data.put('default', 'bench-ready', new Uint8Array(1), {})).ok, LIBRARY_READY_TIMEOUT_MS);
    if (!ready) throw new Error(`the embedded cluster did not accept a write within ${LIBRARY_READY_TIMEOUT_MS} ms`);
    return driver;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const result = await this.cluster.data.put('default', key, value, {});
    if (!result.ok) throw new Error(`put ${key}: ${result.code} ${result.message}`);
  }

  async get(key: string): Promise<number> {
    const result = await this.cluster.data.get('default', key);
    if (!result.ok) throw new Error(`get ${key}: ${result.code} ${result.message}`);
    return result.value.byteLength;
  }

  close(): Promise<void> {
    return this.cluster.close();
  }
}
