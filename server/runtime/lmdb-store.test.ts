// LmdbStore reads with keys and bounds longer than lmdb's key limit (about 1,978 bytes): such a
// key cannot be stored, so a get finds nothing and a scan applies the exact bounds itself, where
// lmdb would throw (a long listing prefix once stopped the whole process that way).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LmdbStore } from './lmdb-store';

async function withStore(run: (store: LmdbStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-lmdb-'));
  const store = new LmdbStore(dir);
  try {
    await run(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function commit(store: LmdbStore, keys: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => store.commit(keys.map((key) => ({ key, value: new TextEncoder().encode(key) })), (r) => (r.ok ? resolve() : reject(new Error(r.error)))));
}

test('get and scan with keys over the lmdb limit answer instead of throwing, with the exact bounds', async () => {
  await withStore(async (store) => {
    const near = `p/${'a'.repeat(store.maxKeyBytes - 4)}`; // just under the limit
    const cut = `p/${'a'.repeat(store.maxKeyBytes - 2)}`; // at the limit: the long start key cut short
    const keys = ['p/a', 'p/b', near, cut, `${near}b`, 'p/z', 'q/a'];
    await commit(store, keys);
    const long = `p/${'a'.repeat(2_000)}`;
    const huge = `p/${'é'.repeat(100_000)}`;
    assert.equal(store.get(long), undefined);
    assert.equal(store.get(huge), undefined);
    const keysOf = (startKey: string, endKey: string, limit = 100): string[] => store.scan({ startKey, endKey, limit }).map(([k]) => k);
    // Long start: keys at or after it, within the end (`cut` sorts before it and is skipped).
    assert.deepEqual(keysOf(long, 'p/\uffff'), [`${near}b`, 'p/b', 'p/z']);
    assert.deepEqual(keysOf(long, 'p/\uffff', 1), [`${near}b`]);
    assert.deepEqual(keysOf(huge, 'p/\uffff'), []);
    // Long end: keys before it.
    assert.deepEqual(keysOf('p/', `${long}\uffff`), ['p/a', near, cut]);
    assert.deepEqual(keysOf('p/', `${long}\uffff`, 2), ['p/a', near]);
    // Both long: a listing with a long prefix finds nothing and does not throw.
    assert.deepEqual(keysOf(long, `${long}\uffff`), []);
    assert.deepEqual(keysOf(huge, `${huge}\uffff`), []);
    // Short bounds still use lmdb's range directly.
    assert.deepEqual(keysOf('p/', 'p/\uffff'), ['p/a', near, cut, `${near}b`, 'p/b', 'p/z']);
  });
});

// Writes handed to commit are visible before they are durable (the overlay). A scan sees only the
// pending writes of its own range, merged with the disk in key order, and pending deletions in
// the range never shorten a page that the disk can fill.
test('scan merges pending writes of its range with the disk: puts and deletes in key order, pages kept full', async () => {
  await withStore(async (store) => {
    const key = (i: number): string => `o/s/${String(i).padStart(4, '0')}`;
    await commit(store, Array.from({ length: 40 }, (_, i) => key(i)));
    // Not awaited: still pending while the scans below run.
    const pending = new Promise<void>((resolve) => store.commit([
      ...Array.from({ length: 10 }, (_, i) => ({ key: key(i), value: null })),
      { key: key(100), value: new TextEncoder().encode('new') },
      { key: 'o/t/0000', value: new TextEncoder().encode('other range') },
    ], () => resolve()));
    const page = store.scan({ startKey: 'o/s/', endKey: 'o/s/\uffff', limit: 5 });
    assert.deepEqual(page.map(([k]) => k), [key(10), key(11), key(12), key(13), key(14)], 'deleted keys skipped, the page still full');
    const tail = store.scan({ startKey: key(38), endKey: 'o/s/\uffff', limit: 10 });
    assert.deepEqual(tail.map(([k]) => k), [key(38), key(39), key(100)], 'a pending put appears in order');
    assert.deepEqual(store.scan({ startKey: 'o/t/', endKey: 'o/t/\uffff', limit: 10 }).map(([k]) => k), ['o/t/0000']);
    assert.deepEqual(store.scan({ startKey: 'o/u/', endKey: 'o/t/', limit: 10 }), [], 'an empty range');
    await pending;
    assert.deepEqual(store.scan({ startKey: 'o/s/', endKey: 'o/s/\uffff', limit: 3 }).map(([k]) => k), [key(10), key(11), key(12)], 'the same once durable');
  });
});
