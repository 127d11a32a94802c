// Simulation tests of the data plane's basic paths: writes, reads and compare-and-set; failover
// of a primary node; re-protection back to two copies; a stale node returning; and no
// acknowledged write lost along the way.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataClusterSim } from './data-cluster-sim';

function cluster(seed: number): DataClusterSim {
  const sim = new DataClusterSim(seed, { nodeCount: 3, vnsPerNode: 2, sliceCount: 64 });
  sim.bootstrap();
  return sim;
}

test('put, get, conditional put and delete through the client library', () => {
  const sim = cluster(1);
  const client = sim.client('client-1');
  const first = sim.put(client, 'alpha', 'one');
  assert.deepEqual(first, { ok: true, version: 1 });
  assert.deepEqual(sim.get(client, 'alpha'), { ok: true, version: 1, value: 'one' });
  assert.deepEqual(sim.put(client, 'alpha', 'two', { ifMatch: 1 }), { ok: true, version: 2 });
  const stale = sim.put(client, 'alpha', 'three', { ifMatch: 1 });
  assert.equal(stale.ok, false);
  assert.equal(stale.code, 'PreconditionFailed');
  const exists = sim.put(client, 'alpha', 'x', { ifNoneMatch: true });
  assert.equal(!exists.ok && exists.code, 'PreconditionFailed');
  assert.deepEqual(sim.await<{ version: number }>((done) => client.delete('default', 'alpha', {}, done)), { ok: true, version: 3 });
  const gone = sim.get(client, 'alpha');
  assert.equal(!gone.ok && gone.code, 'NotFound');
  // Versions keep increasing across a delete.
  assert.deepEqual(sim.put(client, 'alpha', 'again', { ifNoneMatch: true }), { ok: true, version: 4 });
});

test('every write is on both copies before it is acknowledged', () => {
  const sim = cluster(2);
  const client = sim.client('client-1');
  for (let i = 0; i < 20; i++) assert.equal(sim.put(client, `k${i}`, `v${i}`).ok, true);
  // Crash every node at once: only durable data survives. Restart all and read everything back.
  for (const id of sim.ids) sim.crash(id);
  for (const id of sim.ids) sim.boot(id);
  for (let i = 0; i < 20; i++) assert.deepEqual(sim.get(client, `k${i}`), { ok: true, version: 1, value: `v${i}` });
});

test('listing keys by prefix with paging', () => {
  const sim = cluster(3);
  const client = sim.client('client-1');
  for (let i = 0; i < 30; i++) assert.equal(sim.put(client, `user/${String(i).padStart(2, '0')}`, 'x').ok, true);
  assert.equal(sim.put(client, 'other', 'x').ok, true);
  const seen: string[] = [];
  let cursor = '';
  for (let page = 0; page < 10; page++) {
    const result = sim.await<{ keys: ReadonlyArray<{ key: string }>; nextCursor: string | null }>((done) => client.list('default', { prefix: 'user/', cursor, limit: 7 }, done));
    assert.equal(result.ok, true);
    seen.push(...result.keys.map((k) => k.key));
    if (result.nextCursor === null) break;
    cursor = result.nextCursor;
  }
  assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => `user/${String(i).padStart(2, '0')}`));
});

test('failover of a primary node, re-protection to two copies, and a stale node returning', () => {
  const sim = cluster(4);
  const client = sim.client('client-1');
  const acked = new Map<string, string>();
  for (let i = 0; i < 40; i++) {
    const r = sim.put(client, `k${i}`, `a${i}`);
    assert.equal(r.ok, true);
    acked.set(`k${i}`, `a${i}`);
  }
  const victim = 'node-2';
  sim.crash(victim);
  const crashedAt = sim.world.nowMs();
  // Writes keep being accepted: the ones for the victim's slices wait for the failover.
  for (let i = 0; i < 40; i++) {
    const r = sim.put(client, `k${i}`, `b${i}`);
    assert.equal(r.ok, true, `write k${i} after the crash: ${JSON.stringify(r)}`);
    acked.set(`k${i}`, `b${i}`);
  }
  const state = sim.state();
  assert.equal(state?.nodeStates[victim], 'down');
  assert.ok(sim.world.nowMs() - crashedAt < 10_000);
  // Re-protection: every slice back to two in-sync copies, none on the down node.
  assert.ok(sim.world.runUntil(() => sim.copies().two === 64, 30_000, 50), `re-protection did not finish: ${JSON.stringify(sim.copies())}`);
  const victimVns = new Set(sim.topology.nodes.find((n) => n.id === victim)?.vns.map((v) => v.id));
  for (const slice of sim.state()?.containers['default']?.slices ?? []) {
    assert.ok(!victimVns.has(slice.primary) && !victimVns.has(slice.secondary));
  }
  // The stale node returns: it is marked up, holds no roles, and nothing stale is served.
  sim.boot(victim);
  assert.ok(sim.world.runUntil(() => sim.state()?.nodeStates[victim] === 'up', 10_000, 50));
  for (const [key, value] of acked) assert.equal(sim.get(client, key).ok && (sim.get(client, key) as { value: string }).value, value);
  // Now lose another node: the re-protected copies carry every acknowledged write.
  sim.crash('node-1');
  for (const [key, value] of acked) {
    const r = sim.get(client, key);
    assert.ok(r.ok, `read ${key} after losing node-1: ${JSON.stringify(r)}`);
    assert.equal(r.value, value);
  }
});

test('a retried write is applied once (dedup by client id and sequence)', () => {
  const sim = cluster(5);
  const client = sim.client('client-1');
  assert.equal(sim.put(client, 'counter', '0').ok, true);
  // Drop a third of all messages: the client retries with the same sequence number.
  sim.world.network.faults = { ...sim.world.network.faults, dropProbability: 0.3 };
  let version = 1;
  for (let i = 1; i <= 10; i++) {
    const r = sim.put(client, 'counter', String(i), { ifMatch: version });
    assert.ok(r.ok, `CAS ${i}: ${JSON.stringify(r)}`);
    assert.equal(r.version, version + 1);
    version = r.version;
  }
  sim.world.network.faults = { ...sim.world.network.faults, dropProbability: 0 };
  assert.deepEqual(sim.get(client, 'counter'), { ok: true, version: 11, value: '10' });
});
