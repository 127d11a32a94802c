import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../sim/event-queue';
import { SeededRandom } from '../sim/prng';
import { SimStore } from '../sim/sim-store';
import { buildTopology } from '../topology/topology';
import { IDENTITY_KEY, loadOrCreateIdentity, type IdentityResult } from './identity';

const topology = buildTopology({ nodeCount: 3, vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 });

/** A store holding `records` durably, as a restart finds them. */
function storeWith(records: ReadonlyArray<readonly [string, Uint8Array]>): { store: SimStore; queue: EventQueue } {
  const queue = new EventQueue();
  const store = new SimStore(queue, new SeededRandom(1));
  store.commit(records.map(([key, value]) => ({ key, value })), () => undefined);
  queue.runUntil(100);
  return { store, queue };
}

function load(store: SimStore, queue: EventQueue): IdentityResult {
  const results: IdentityResult[] = [];
  loadOrCreateIdentity(store, 'node-1', { clusterId: 'c1', topology }, (r) => results.push(r));
  queue.runUntil(queue.nowMs() + 100);
  assert.equal(results.length, 1);
  return results[0]!;
}

const torn = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);

test('a torn identity with nothing beside it is the first write cut short: the node starts as new', () => {
  const { store, queue } = storeWith([[IDENTITY_KEY, torn]]);
  const result = load(store, queue);
  assert.ok(result.ok, result.ok ? '' : result.error);
  assert.equal(result.created, true);
  assert.equal(result.identity.clusterId, 'c1');
});

test('a damaged identity beside other records (the node ran) refuses to start, loudly', () => {
  const { store, queue } = storeWith([[IDENTITY_KEY, torn], ['raft/hard-state/0', new Uint8Array([9])]]);
  const result = load(store, queue);
  assert.ok(!result.ok);
  assert.match(result.error, /identity record unreadable/);
});
