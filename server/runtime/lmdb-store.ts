// DurableStore on lmdb, one environment per drive (and one for each node's system area).
//
// Commits go through lmdb's asynchronous batching (many writers share one fsync) and call back
// only after `db.flushed`, i.e. once the OS reports the pages durable. Until a batch is committed
// its writes live in an overlay map so reads see them at once, as the DurableStore contract asks.

import { open, type Database, type RootDatabase } from 'lmdb';
import type { CommitResult, DurableStore, StoreWrite } from '../../engine/runtime/runtime';

interface OverlayEntry {
  readonly value: Uint8Array | null;
  readonly batchId: number;
}

export class LmdbStore implements DurableStore {
  private readonly db: RootDatabase<Buffer, string>;
  private readonly overlay = new Map<string, OverlayEntry>();
  private nextBatchId = 1;
  private written = 0;
  private inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(readonly path: string) {
    this.db = open<Buffer, string>({ path, encoding: 'binary', compression: false, overlappingSync: true });
  }

  get(key: string): Uint8Array | undefined {
    const pending = this.overlay.get(key);
    if (pending !== undefined) return pending.value ?? undefined;
    const value = this.db.getBinary(key);
    return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  scan(range: { readonly startKey: string; readonly endKey: string; readonly limit: number }): Array<readonly [string, Uint8Array]> {
    const merged = new Map<string, Uint8Array>();
    // Read up to limit + overlay size from disk so overlay deletions cannot starve the page.
    const diskLimit = range.limit + this.overlay.size;
    for (const { key, value } of (this.db as Database<Buffer, string>).getRange({ start: range.startKey, end: range.endKey, limit: diskLimit })) {
      merged.set(key, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    for (const [key, entry] of this.overlay) {
      if (key < range.startKey || key >= range.endKey) continue;
      if (entry.value === null) merged.delete(key);
      else merged.set(key, entry.value);
    }
    return [...merged.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, range.limit);
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
    const done = this.db
      .batch(() => {
        for (const w of copies) {
          if (w.value === null) void this.db.remove(w.key);
          else void this.db.put(w.key, Buffer.from(w.value.buffer, w.value.byteOffset, w.value.byteLength));
        }
      })
      .then(() => this.db.flushed)
      .then(
        () => { this.settle(copies, batchId); onDurable({ ok: true }); },
        (error: unknown) => { this.settle(copies, batchId); onDurable({ ok: false, error: String(error) }); },
      );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  bytesWritten(): number {
    return this.written;
  }

  /** Waits for every commit in flight, then closes the environment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.db.flushed;
    await this.db.close();
  }

  private settle(writes: ReadonlyArray<{ key: string }>, batchId: number): void {
    for (const w of writes) {
      if (this.overlay.get(w.key)?.batchId === batchId) this.overlay.delete(w.key);
    }
  }
}
