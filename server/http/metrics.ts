// Prometheus metrics at /metrics (prom-client). Cluster gauges read one overview snapshot taken
// at the start of each scrape: never stale, computed once per scrape, free between scrapes.

import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ClusterOverview } from '../cluster/overview';
import { getCluster } from '../cluster/instance';
import type { EventLoopMonitor } from '../runtime/event-loop-monitor';

/** Buckets of the event-loop delay histogram, in seconds: jitter up to the stalls that matter. */
export const EVENT_LOOP_DELAY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
import { registerEdgeErrorMetrics } from './error-counters';

export interface MetricsEndpoint {
  readonly contentType: string;
  /** Renders every metric in the Prometheus text format. */
  scrape(): Promise<string>;
}

export function createMetrics(eventLoop?: EventLoopMonitor): MetricsEndpoint {
  const registry = new Registry();
  let current: ClusterOverview | undefined;
  collectDefaultMetrics({ register: registry, prefix: 'tessera_process_' });
  if (eventLoop !== undefined) {
    const delay = new Histogram({
      name: 'tessera_event_loop_delay_seconds', help: 'how late the event loop ran a 100 ms sampling timer (every node shares the loop)',
      buckets: EVENT_LOOP_DELAY_BUCKETS_S, registers: [registry],
    });
    eventLoop.onDelay((delayMs) => delay.observe(delayMs / 1000));
    new Gauge({
      name: 'tessera_event_loop_longest_stall_seconds', help: 'the longest event-loop stall in the last 10 minutes', registers: [registry],
      collect() { this.set(eventLoop.longestRecentStallMs() / 1000); },
    });
  }
  registerEdgeErrorMetrics(registry);
  new Gauge({
    name: 'tessera_cluster_online', help: '1 when the cluster serves data I/O', registers: [registry],
    collect() { this.set(current?.availability === 'online' ? 1 : 0); },
  });
  new Gauge({
    name: 'tessera_cluster_healthy', help: '1 when every slice has two in-sync copies and nothing is down', registers: [registry],
    collect() { this.set(current?.redundancy === 'healthy' ? 1 : 0); },
  });
  new Gauge({
    name: 'tessera_nodes', help: 'data nodes by state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      for (const node of current?.nodes ?? []) this.inc({ state: node.state });
    },
  });
  new Gauge({
    name: 'tessera_drive_written_bytes', help: 'bytes written to each drive since the process started', labelNames: ['node', 'drive'], registers: [registry],
    collect() {
      this.reset();
      for (const node of current?.nodes ?? []) for (const d of node.drives) this.set({ node: node.id, drive: d.id }, d.bytesWritten);
    },
  });
  new Gauge({
    name: 'tessera_slices', help: 'slices by number of in-sync copies', labelNames: ['copies'], registers: [registry],
    collect() {
      this.reset();
      if (current === undefined) return;
      this.set({ copies: '2' }, current.counts.slicesTwoCopies);
      this.set({ copies: '1' }, current.counts.slicesOneCopy);
      this.set({ copies: '0' }, current.counts.slicesNoCopy);
    },
  });
  return {
    contentType: registry.contentType,
    async scrape() {
      current = getCluster()?.overview();
      try {
        return await registry.metrics();
      } finally {
        current = undefined;
      }
    },
  };
}
