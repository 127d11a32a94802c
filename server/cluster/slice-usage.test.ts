import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeObject } from '../../engine/dataplane/object-record';
import { DEDUP_KEY_PREFIX, objectKey, slicePrefix } from '../../engine/dataplane/store-keys';
import type { ContainerRecord, ControllerState } from '../../engine/controller/state';
import { computeContainerUsage, listSliceKeys, scanSliceUsage } from './slice-usage';

const SEED = '00112233aabbccdd';

/** A sorted in-memory store with the DurableStore scan contract: [startKey, endKey), at most limit. */
function memoryStore(entries: ReadonlyArray<readonly [string, Uint8Array]>) {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    scans: 0,
    scan(range: { startKey: string; endKey: string; limit: number }) {
      this.scans++;
      return sorted.filter(([k]) => k >= range.startKey && k < range.endKey).slice(0, range.limit);
    },
  };
}

const record = (version: number, size: number, deleted = false): Uint8Array => encodeObject({ version, stamp: { epoch: 1, counter: version }, deleted, value: new Uint8Array(size), writers: [] });

test('a slice counts its live objects and their value bytes, not tombstones, dedup records or other slices', () => {
  const store = memoryStore([
    [objectKey(SEED, 3, 'a'), record(1, 10)],
    [objectKey(SEED, 3, 'b'), record(2, 20)],
    [objectKey(SEED, 3, 'gone'), record(3, 0, true)],
    [`${slicePrefix(SEED, 3)}${DEDUP_KEY_PREFIX}client/1`, new Uint8Array(50)],
    [objectKey(SEED, 4, 'other'), record(1, 99)],
  ]);
  const usage = scanSliceUsage(store, SEED, 3, 1_000);
  assert.deepEqual({ keys: usage.keys, bytes: usage.bytes, complete: usage.complete }, { keys: 2, bytes: 30, complete: true });
});

test('a slice listing pages in key order after a key', () => {
  const store = memoryStore(['k1', 'k2', 'k3', 'k4', 'k5'].map((k, i) => [objectKey(SEED, 0, k), record(i + 1, i)] as const));
  const first = listSliceKeys(store, SEED, 0, '', 2);
  assert.deepEqual(first.keys.map((k) => k.key), ['k1', 'k2']);
  assert.equal(first.nextAfter, 'k2');
  const second = listSliceKeys(store, SEED, 0, 'k2', 2);
  assert.deepEqual(second.keys.map((k) => [k.key, k.version, k.size]), [['k3', 3, 2], ['k4', 4, 3]]);
  const last = listSliceKeys(store, SEED, 0, 'k4', 2);
  assert.deepEqual(last.keys.map((k) => k.key), ['k5']);
  assert.equal(last.nextAfter, null);
});

test('container usage reads the primary copy, falls back to another in-sync copy, and stops at its record budget', () => {
  const container: ContainerRecord = {
    name: 'c', sliceCount: 3, seedHex: SEED, mapEpoch: 1, createdAtMs: 0,
    slices: [
      { primary: 'n1/vn-0', secondary: 'n2/vn-0', epoch: 1, inSync: ['n1/vn-0', 'n2/vn-0'] },
      { primary: 'n2/vn-0', secondary: 'n1/vn-0', epoch: 1, inSync: ['n2/vn-0', 'n1/vn-0'] },
      { primary: 'n1/vn-0', secondary: 'n2/vn-0', epoch: 1, inSync: ['n1/vn-0', 'n2/vn-0'] },
    ],
  };
  const state = { topology: { nodes: [
    { id: 'n1', failureDomain: 'a', drives: [{ id: 'n1/drive-0', capacityBytes: 1 }], vns: [{ id: 'n1/vn-0', nodeId: 'n1', driveId: 'n1/drive-0' }] },
    { id: 'n2', failureDomain: 'b', drives: [{ id: 'n2/drive-0', capacityBytes: 1 }], vns: [{ id: 'n2/vn-0', nodeId: 'n2', driveId: 'n2/drive-0' }] },
  ] } } as unknown as ControllerState;
  const n1 = memoryStore([[objectKey(SEED, 0, 'x'), record(1, 5)], [objectKey(SEED, 1, 'y'), record(1, 7)], [objectKey(SEED, 2, 'z'), record(1, 1)], [objectKey(SEED, 2, 'w'), record(1, 1)]]);
  // n2 is stopped: slice 1 (primary on n2) is read from n1's in-sync copy.
  const usage = computeContainerUsage(state, container, (driveId) => (driveId === 'n1/drive-0' ? n1 : undefined), 0);
  assert.deepEqual(usage.keys, [1, 1, 2]);
  assert.deepEqual(usage.bytes, [5, 7, 2]);
  assert.equal(usage.complete, true);
  const bounded = computeContainerUsage(state, container, (driveId) => (driveId === 'n1/drive-0' ? n1 : undefined), 0, 3);
  assert.deepEqual(bounded.keys, [1, 1, -1]);
  assert.equal(bounded.complete, false);
});
