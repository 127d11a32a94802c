// DurableStore on lmdb, one environment per drive (and one for each node's system area).
//
// Commits of one turn of the event loop are written as one lmdb transaction (group commit: many
// writers share one fsync) and call back only after `db.flushed`, i.e. once the OS reports the
// pages durable. Until a batch is committed
// its writes live in an overlay map so reads see them at once, as the DurableStore contract asks.

import { open, type Database, type RootDatabase } from 'lmdb';
import SortedBTree from 'sorted-btree';
import type { CommitResult, DurableStore, StoreWrite } from '../../engine/runtime/runtime';

/** lmdb's key size limit when the environment does not report one (its default build: 1978). */
export const LMDB_KEY_BYTES_MAX_DEFAULT = 1_978;

/** lmdb orders string keys by their UTF-8 bytes; so do the bounds checks of an oversize scan. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The longest prefix of `key` that fits in `maxBytes` UTF-8 bytes, cut between code points. */
function truncateUtf8(key: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of key) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return key.slice(0, end);
}

// sorted-btree is CommonJS with `exports.default`; under Node's ESM loader the default import is
// the exports object itself, under a bundler it is the class.
const BTree = (SortedBTree as unknown as { default?: typeof SortedBTree }).default ?? SortedBTree;

interface OverlayEntry {
  readonly value: Uint8Array | null;
  readonly batchId: number;
}

export class LmdbStore implements DurableStore {
  private readonly db: RootDatabase<Buffer, string>;
  // Sorted, so a scan visits only the pending writes in its range: with a Map every scan walked
  // every pending write, and the scans of 65,536 new slices over 65,536 pending writes held the
  // event loop for seconds.
  private readonly overlay = new BTree<string, OverlayEntry>();
  private nextBatchId = 1;
  private written = 0;
  private inFlight = new Set<Promise<unknown>>();
  /** A group is being written and flushed; the next one waits for it. */
  private flushing = false;
  /** Batches committed since the last group started, written together by `commitGroup`. */
  private group: Array<{ readonly copies: ReadonlyArray<{ key: string; value: Uint8Array | null }>; readonly batchId: number; readonly onDurable: (result: CommitResult) => void }> = [];
  private closed = false;
  /** No stored key is longer than this; lmdb throws on a longer key in any read. */
  readonly maxKeyBytes: number;

  constructor(readonly path: string) {
    this.db = open<Buffer, string>({ path, encoding: 'binary', compression: false, overlappingSync: true });
    this.maxKeyBytes = (this.db as unknown as { maxKeySize?: number }).maxKeySize ?? LMDB_KEY_BYTES_MAX_DEFAULT;
  }

  /** True when `key` cannot be an lmdb key (cheap for the usual short key). */
  private oversize(key: string): boolean {
    return key.length * 3 > this.maxKeyBytes && Buffer.byteLength(key, 'utf8') > this.maxKeyBytes;
  }

  get(key: string): Uint8Array | undefined {
    const pending = this.overlay.get(key);
    if (pending !== undefined) return pending.value ?? undefined;
    // No such key can be stored; lmdb would throw rather than answer.
    if (this.oversize(key)) return undefined;
    const value = this.db.getBinary(key);
    return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  scan(range: { readonly startKey: string; readonly endKey: string; readonly limit: number }): Array<readonly [string, Uint8Array]> {
    if (range.limit <= 0 || !(range.startKey < range.endKey)) return [];
    const pending: Array<readonly [string, OverlayEntry]> = [];
    let pendingDeletes = 0;
    this.overlay.forRange(range.startKey, range.endKey, false, (key, entry) => {
      pending.push([key, entry]);
      if (entry.value === null) pendingDeletes++;
    });
    const merged = new Map<string, Uint8Array>();
    // Read up to limit + the pending deletions in range from disk, so deletions cannot starve the page.
    for (const [key, value] of this.diskRange(range.startKey, range.endKey, range.limit + pendingDeletes)) merged.set(key, value);
    if (pending.length === 0) return [...merged.entries()].slice(0, range.limit);
    for (const [key, entry] of pending) {
      if (entry.value === null) merged.delete(key);
      else merged.set(key, entry.value);
    }
    return [...merged.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, range.limit);
  }

  /**
   * Up to `limit` stored records in [startKey, endKey). lmdb throws on a bound longer than its key
   * limit (a long listing prefix or cursor once reached it, uncaught, and stopped the process),
   * so such a bound is cut to the limit and the exact bound is applied while iterating: a cut
   * start key is a prefix of the start key, so it sorts at or before it; a cut end key is
   * dropped and iteration stops at the first key at or past the real one.
   */
  private *diskRange(startKey: string, endKey: string, limit: number): Generator<readonly [string, Uint8Array]> {
    const longStart = this.oversize(startKey);
    const longEnd = this.oversize(endKey);
    if (!longStart && !longEnd) {
      for (const { key, value } of (this.db as Database<Buffer, string>).getRange({ start: startKey, end: endKey, limit })) {
        yield [key, new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
      }
      return;
    }
    if (compareUtf8(startKey, endKey) >= 0) return;
    const start = longStart ? truncateUtf8(startKey, this.maxKeyBytes) : startKey;
    const options = longEnd ? { start } : { start, end: endKey };
    let taken = 0;
    for (const { key, value } of (this.db as Database<Buffer, string>).getRange(options)) {
      if (taken >= limit) return;
      if (longStart && compareUtf8(key, startKey) < 0) continue;
      if (longEnd && compareUtf8(key, endKey) >= 0) return;
      taken++;
      yield [key, new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
    }
  }

  commit(writes: readonly StoreWrite[], onDurable: (result: CommitResult) => void): void {
    if (this.closed) {
      onDurable({ ok: false, error: `store ${this.path} is closed` });
      return;
    }
    const batchId = this.nextBatchId++;
    const copies = writes.map((w) => ({ key: w.key, value: w.value === null ? null : w.value.slice() }));
    for (const w of copies) {
      this.overlay.set(w.key, { value: w.value, batchId });
      this.written += w.key.length + (w.value?.length ?? 0);
    }
    this.group.push({ copies, batchId, onDurable });
    if (this.group.length === 1 && !this.flushing) queueMicrotask(() => this.commitGroup());
  }

  /**
   * Group commit: every batch handed to `commit` in this turn of the event loop (all the puts a
   * hub delivery brought, across slices and clients) goes into one lmdb transaction and waits for
   * one `flushed`. The transaction is atomic, so each batch in it is too, and every callback runs
   * only after the whole transaction is durable, in commit order. While one group is being made
   * durable the next one gathers (at most one flush in flight per store), so under load a
   * single fsync covers everything that arrived during the previous one.
   */
  private commitGroup(): void {
    const group = this.group;
    if (group.length === 0 || this.flushing) return;
    this.group = [];
    this.flushing = true;
    const done = this.db
      .batch(() => {
        for (const { copies } of group) {
          for (const w of copies) {
            if (w.value === null) void this.db.remove(w.key);
            else void this.db.put(w.key, Buffer.from(w.value.buffer, w.value.byteOffset, w.value.byteLength));
          }
        }
      })
      .then(() => this.db.flushed)
      .then(
        () => {
          for (const batch of group) this.settle(batch.copies, batch.batchId);
          for (const batch of group) batch.onDurable({ ok: true });
        },
        (error: unknown) => {
          for (const batch of group) this.settle(batch.copies, batch.batchId);
          for (const batch of group) batch.onDurable({ ok: false, error: String(error) });
        },
      );
    this.inFlight.add(done);
    void done.finally(() => {
      this.inFlight.delete(done);
      this.flushing = false;
      this.commitGroup();
    });
  }

  bytesWritten(): number {
    return this.written;
  }

  /** Waits for every commit in flight, then closes the environment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commitGroup();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.db.flushed;
    await this.db.close();
  }

  private settle(writes: ReadonlyArray<{ key: string }>, batchId: number): void {
    for (const w of writes) {
      if (this.overlay.get(w.key)?.batchId === batchId) this.overlay.delete(w.key);
    }
  }
}
