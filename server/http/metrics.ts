// Prometheus metrics at /metrics (prom-client). Cluster gauges are read from the overview at
// scrape time, so they are never stale and cost nothing between scrapes.

import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { getCluster } from '../cluster/instance';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tessera_process_' });
  new Gauge({
    name: 'tessera_cluster_online', help: '1 when the cluster serves data I/O', registers: [registry],
    collect() { this.set(getCluster()?.overview().availability === 'online' ? 1 : 0); },
  });
  new Gauge({
    name: 'tessera_cluster_healthy', help: '1 when every slice has two in-sync copies and nothing is down', registers: [registry],
    collect() { this.set(getCluster()?.overview().redundancy === 'healthy' ? 1 : 0); },
  });
  new Gauge({
    name: 'tessera_nodes', help: 'data nodes by state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      for (const node of getCluster()?.overview().nodes ?? []) this.inc({ state: node.state });
    },
  });
  new Gauge({
    name: 'tessera_drive_written_bytes', help: 'bytes written to each drive since the process started', labelNames: ['node', 'drive'], registers: [registry],
    collect() {
      this.reset();
      for (const node of getCluster()?.overview().nodes ?? []) for (const d of node.drives) this.set({ node: node.id, drive: d.id }, d.bytesWritten);
    },
  });
  return registry;
}
