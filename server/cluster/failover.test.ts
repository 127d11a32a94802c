// Failover and re-protection on the real embedded cluster: fail a node while writes continue,
// every write still succeeds, the slices get two in-sync copies again, and the failed node
// comes back without serving stale data.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadClusterConfig } from '../config/cluster-config';
import { ROOT_DIR } from '../index';
import { EmbeddedCluster } from './embedded-cluster';
import { until } from '../testing/until';

const encoder = new TextEncoder();
const decoder = new TextDecoder();


test('a failed node: writes continue, slices are re-protected to two copies, the node returns clean', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-failover-'));
  const cluster = await EmbeddedCluster.open({ dataDir, config: loadClusterConfig(join(ROOT_DIR, 'cluster.yml')), log: () => undefined });
  try {
    const acked = new Map<string, string>();
    const write = async (key: string, value: string): Promise<number> => {
      const startedAt = performance.now();
      const result = await cluster.data.put('default', key, encoder.encode(value), {});
      assert.ok(result.ok, `write ${key}: ${JSON.stringify(result)}`);
      acked.set(key, value);
      return performance.now() - startedAt;
    };
    // A new cluster on a busy machine may take longer than one write's deadline to serve every
    // slice; the test is about the failover, so it starts once the cluster serves.
    assert.ok(await until(async () => (await cluster.data.put('default', 'warm-up', encoder.encode('1'), {})).ok, 60_000), 'the new cluster serves');
    for (let i = 0; i < 100; i++) await write(`k${i}`, `before-${i}`);

    const failedAt = performance.now();
    await cluster.failNode('node-2');
    let slowestMs = 0;
    for (let round = 0; round < 3; round++) {
      const latencies = await Promise.all(Array.from({ length: 100 }, (_, i) => write(`k${i}`, `after-${round}-${i}`)));
      slowestMs = Math.max(slowestMs, ...latencies);
    }
    const writableAfterMs = performance.now() - failedAt;
    console.log(`node-2 failed: the slowest write took ${Math.round(slowestMs)} ms; 300 writes done ${Math.round(writableAfterMs)} ms after the failure`);
    assert.equal(cluster.controllerState().nodeStates['node-2'], 'down');

    const reprotected = await until(() => cluster.overview().counts.slicesTwoCopies === 4096, 60_000);
    console.log(`re-protected to two copies ${Math.round(performance.now() - failedAt)} ms after the failure`);
    assert.ok(reprotected, `re-protection incomplete: ${JSON.stringify(cluster.overview().counts)}`);

    await cluster.restartNode('node-2');
    assert.ok(await until(() => cluster.controllerState().nodeStates['node-2'] === 'up', 20_000));
    for (const [key, value] of acked) {
      const result = await cluster.data.get('default', key);
      assert.ok(result.ok, `read ${key}: ${JSON.stringify(result)}`);
      assert.equal(decoder.decode(result.value), value);
    }
    // The node that came back holds no roles of the slices it lost.
    const node2Vns = new Set(cluster.topology.nodes.find((n) => n.id === 'node-2')?.vns.map((v) => v.id));
    const slices = cluster.controllerState().containers['default']?.slices ?? [];
    assert.equal(slices.filter((s) => node2Vns.has(s.primary) || node2Vns.has(s.secondary)).length, 0);
  } finally {
    await cluster.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
