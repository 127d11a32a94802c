// Simulation tests of the data plane's basic paths: writes, reads and compare-and-set; failover
// of a primary node; re-protection back to two copies; a stale node returning; and no
// acknowledged write lost along the way; a restarted primary reconciling both ways; late attempts
// of settled writes refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CLIENT_OPTIONS } from '../client/tessera-client';
import { DATA_REQUEST, DATA_RESPONSE, type DataResult } from '../dataplane/messages';
import { slicePrefix } from '../dataplane/store-keys';
import { sliceHasher } from '../hash/slice-of';
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
  // A long deadline: at this loss rate an attempt fails half the time, and the test is about
  // retries being applied once, not about giving up.
  const client = sim.client('client-1', { ...DEFAULT_CLIENT_OPTIONS, deadlineMs: 60_000 });
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

/** The slice of `key` in `default`, its entry, and the nodes of its primary and secondary. */
function sliceOfKey(sim: DataClusterSim, key: string): { slice: number; epoch: number; primaryNode: string; secondaryNode: string } {
  const container = sim.state()?.containers['default'];
  assert.ok(container !== undefined);
  const slice = sliceHasher(container.seedHex, container.sliceCount)(key);
  const entry = container.slices[slice];
  assert.ok(entry !== undefined);
  const nodeOf = (vn: string): string => sim.topology.nodes.find((n) => n.vns.some((v) => v.id === vn))?.id ?? '';
  return { slice, epoch: entry.epoch, primaryNode: nodeOf(entry.primary), secondaryNode: nodeOf(entry.secondary) };
}

function sliceRecords(sim: DataClusterSim, node: string, slice: number): Map<string, string> {
  const prefix = slicePrefix('0123456789abcdef', slice);
  const records = new Map<string, string>();
  for (const store of sim.world.nodes.get(node)?.driveStores.values() ?? []) {
    for (const [key, value] of store.durableEntries()) if (key.startsWith(prefix)) records.set(key, Buffer.from(value).toString('hex'));
  }
  return records;
}

test('a restarted primary takes the records its secondary holds and its own crash lost', () => {
  const sim = new DataClusterSim(6, { nodeCount: 3, vnsPerNode: 1, sliceCount: 64 });
  sim.bootstrap();
  const client = sim.client('client-1');
  assert.deepEqual(sim.put(client, 'a', 'one'), { ok: true, version: 1 });
  const { slice, epoch, primaryNode, secondaryNode } = sliceOfKey(sim, 'a');
  // The primary's next local commit fails after the secondary has made the write durable.
  const stores = [...(sim.world.nodes.get(primaryNode)?.driveStores.values() ?? [])];
  const saved = stores.map((store) => store.faults);
  for (const store of stores) store.faults = { ...store.faults, fsyncErrorProbability: 1, fsyncMinMs: 20, fsyncMaxMs: 20 };
  const impatient = sim.client('client-2', { deadlineMs: 100, attemptTimeoutMs: 100, backoffBaseMs: 10, backoffMaxMs: 10 });
  let answer: unknown;
  impatient.put('default', 'a', new TextEncoder().encode('two'), {}, (r) => { answer = r; });
  assert.ok(sim.world.runUntil(() => sim.nodes.get(primaryNode)?.status().lifecycle === 'failed', 1_000, 1));
  sim.crash(primaryNode);
  stores.forEach((store, i) => { store.faults = saved[i] ?? store.faults; });
  sim.boot(primaryNode);
  assert.ok(sim.world.runUntil(() => answer !== undefined, 1_000, 5));
  assert.equal((answer as { ok: boolean }).ok, false, 'the write was never acknowledged');
  // Same primary, same epoch: the restart went unnoticed by the controller.
  const read = sim.get(client, 'a');
  assert.equal(sliceOfKey(sim, 'a').epoch, epoch);
  assert.equal(sliceOfKey(sim, 'a').primaryNode, primaryNode);
  // The copies agree: the primary adopted the write (with its dedup record) that only the
  // secondary had, instead of serving and overwriting an image the secondary contradicts.
  assert.deepEqual(read, { ok: true, version: 2, value: 'two' });
  assert.deepEqual(sliceRecords(sim, primaryNode, slice), sliceRecords(sim, secondaryNode, slice));
});

test('a late attempt of a write whose client already settled it is refused, not applied again', () => {
  const sim = cluster(7);
  const { slice, epoch, primaryNode } = sliceOfKey(sim, 'x');
  sim.world.addNode('raw');
  const runtime = sim.world.start('raw');
  const answers = new Map<number, DataResult>();
  runtime.transport.onReceive((envelope) => {
    const message = envelope.message as { kind?: string; reqId: number; result: DataResult };
    if (message.kind === DATA_RESPONSE) answers.set(message.reqId, message.result);
  });
  let reqId = 0;
  const put = (value: string, seq: number, settledBelow: number): DataResult => {
    for (;;) {
      const id = ++reqId;
      runtime.transport.send(primaryNode, { kind: DATA_REQUEST, reqId: id, op: { type: 'put', container: 'default', slice, epoch, key: 'x', value: new TextEncoder().encode(value), condition: {}, clientId: 'raw', seq, settledBelow } });
      assert.ok(sim.world.runUntil(() => answers.has(id), 5_000, 5));
      const result = answers.get(id) as DataResult;
      if (result.ok || result.code !== 'Unavailable') return result;
      sim.world.runFor(100); // the slice is still activating
    }
  };
  assert.deepEqual(put('one', 1, 1), { ok: true, version: 1 });
  // Write 2 says write 1 is settled: its dedup record goes.
  assert.deepEqual(put('two', 2, 2), { ok: true, version: 2 });
  // An attempt of write 1 that was still on its way (queued, delayed, reordered) arrives now.
  const late = put('one', 1, 1);
  assert.equal(late.ok, false);
  assert.deepEqual(sim.get(sim.client('reader'), 'x'), { ok: true, version: 2, value: 'two' });
});
