// Issue 16's bricked data directory: a container.create committed after the nodes it needed were
// marked out of service could not be placed, its apply threw, the process died, and every restart
// replayed the entry and died again. Here that log is rebuilt the way it happened (the proposer's
// check passes, the state changes before the entry applies), the cluster is restarted on it, and
// it must start, serve, and say in its events log that the entry was rejected.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ControllerCommand } from '../../engine/controller/commands';
import { loadClusterConfig } from '../config/cluster-config';
import { ROOT_DIR } from '../index';
import { until } from '../testing/until';
import { EmbeddedCluster } from './embedded-cluster';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const operator = { actor: 'test', timeMs: 1_700_000_000_000 };

async function putAndGet(cluster: EmbeddedCluster, key: string, value: string): Promise<boolean> {
  const put = await cluster.data.put('default', key, encoder.encode(value), {});
  if (!put.ok) return false;
  const got = await cluster.data.get('default', key);
  return got.ok && decoder.decode(got.value) === value;
}

test('a data directory whose log holds a container.create that cannot be placed starts, serves and records the rejection', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-replay-reject-'));
  // A small default container: the test is about the log, not about many slices.
  const config = { ...loadClusterConfig(join(ROOT_DIR, 'cluster.yml')), containers: { default: { slices: 256 } } };
  try {
    let cluster = await EmbeddedCluster.open({ dataDir, config, log: () => undefined });
    try {
      // A new cluster's nodes are busy preparing their slices at first; proposals wait behind that.
      assert.ok(await until(() => putAndGet(cluster, 'before', 'one'), 30_000, 200), 'serves after the first start');
      // Proposed in one synchronous step, each passes the leader's check against the same state
      // (every node up); the create is committed after both node.offline entries, so at apply only
      // node-1 can take roles: placement needs two nodes.
      const proposals: ControllerCommand[] = [
        { ...operator, type: 'node.offline', nodeId: 'node-2', reason: 'test' },
        { ...operator, type: 'node.offline', nodeId: 'node-3', reason: 'test' },
        { ...operator, type: 'container.create', name: 'big2', sliceCount: 65_536, seedHex: '0123456789abcdef' },
      ];
      const [offline2, offline3, create] = await Promise.all(proposals.map((command) => cluster.propose(command)));
      assert.deepEqual([offline2, offline3], [{ ok: true }, { ok: true }]);
      assert.equal(create?.ok === false ? create.code : 'ok', 'NotEnoughNodes', JSON.stringify(create));
      for (const nodeId of ['node-2', 'node-3']) assert.deepEqual(await cluster.propose({ ...operator, type: 'node.online', nodeId, reason: 'test' }), { ok: true });
      assert.deepEqual(await cluster.propose({ ...operator, type: 'cluster.online', reason: 'test' }), { ok: true });
      assert.ok(await until(() => putAndGet(cluster, 'before', 'one'), 30_000, 200), 'serves before the restart');
    } finally {
      await cluster.close();
    }

    cluster = await EmbeddedCluster.open({ dataDir, config, log: () => undefined });
    try {
      assert.ok(await until(() => putAndGet(cluster, 'after', 'two'), 30_000, 200), 'serves after the restart');
      const got = await cluster.data.get('default', 'before');
      assert.ok(got.ok && decoder.decode(got.value) === 'one', 'the write from before the restart is there');
      const state = cluster.controllerState();
      assert.equal(state.containers['big2'], undefined);
      const rejected = state.events.filter((e) => e.code === 'command.rejected');
      assert.equal(rejected.length, 1, JSON.stringify(rejected));
      assert.match(rejected[0]?.message ?? '', /\(container\.create\) rejected, NotEnoughNodes: nodes: a new slice map needs VNs that can take roles on at least 2 nodes/);
    } finally {
      await cluster.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
