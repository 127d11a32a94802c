// Garbage collection of copies nobody counts on: a VN's data of a slice it no longer holds any
// role in (moved away by a migration, or failed over while the VN was down), and everything
// under the hash seed of a deleted container. Such a copy is never promoted (promotion picks only
// from the in-sync set, which holds only role holders) and a role given back later starts with
// a wipe, so deleting it is safe. The janitor re-checks, before every batch, that the VN still
// holds no role, and works in bounded batches so it never stalls the node.

import type { DurableStore, StoreWrite } from '../runtime/runtime';
import { prefixEnd, sliceMetaKey, slicePrefix } from './store-keys';

/** Work items handled per data-plane tick. */
export const JANITOR_ITEMS_PER_TICK = 4;
/** Keys deleted in one batch. */
export const JANITOR_ROWS_PER_BATCH = 1_024;
/** Work items waiting; beyond this a full sweep at the next start finds the rest. */
export const JANITOR_QUEUE_MAX = 65_536;

export type JanitorItem =
  | { readonly kind: 'slice'; readonly vn: string; readonly seedHex: string; readonly slice: number }
  | { readonly kind: 'seed'; readonly driveId: string; readonly seedHex: string };

export interface JanitorDeps {
  storeOfVn(vn: string): DurableStore | undefined;
  storeOfDrive(driveId: string): DurableStore | undefined;
  /** The VN's drive is in service (a failed drive is left alone). */
  usable(vn: string): boolean;
  driveUsable(driveId: string): boolean;
  /** The VN holds a role (primary, secondary, learner) of the slice in the committed state. */
  holdsRole(vn: string, seedHex: string, slice: number): boolean;
  /** A container with this seed exists in the committed state. */
  seedInUse(seedHex: string): boolean;
  onCommitFailed(reason: string, store: DurableStore): void;
}

function itemKey(item: JanitorItem): string {
  return item.kind === 'slice' ? `s:${item.vn}:${item.seedHex}:${item.slice}` : `d:${item.driveId}:${item.seedHex}`;
}

export class SliceJanitor {
  private readonly queue: JanitorItem[] = [];
  private readonly queued = new Set<string>();
  /** Keys deleted since start, for status and tests. */
  deletedKeys = 0;

  constructor(private readonly deps: JanitorDeps) {}

  enqueue(item: JanitorItem): void {
    const key = itemKey(item);
    if (this.queued.has(key) || this.queue.length >= JANITOR_QUEUE_MAX) return;
    this.queued.add(key);
    this.queue.push(item);
  }

  pending(): number {
    return this.queue.length;
  }

  /** Finds the seeds on a drive that no container uses any more. */
  sweepSeeds(driveId: string): void {
    const store = this.deps.storeOfDrive(driveId);
    if (store === undefined || !this.deps.driveUsable(driveId)) return;
    let cursor = 'o/';
    for (;;) {
      const [row] = store.scan({ startKey: cursor, endKey: prefixEnd('o/'), limit: 1 });
      if (row === undefined) return;
      const seedHex = row[0].slice(2, 18);
      if (!this.deps.seedInUse(seedHex)) this.enqueue({ kind: 'seed', driveId, seedHex });
      cursor = prefixEnd(`o/${seedHex}/`);
    }
  }

  /** Runs a few batches; returns whether work is left. */
  step(): boolean {
    for (let n = 0; n < JANITOR_ITEMS_PER_TICK && this.queue.length > 0; n++) {
      const item = this.queue.shift();
      if (item === undefined) break;
      this.queued.delete(itemKey(item));
      if (!this.wipeBatch(item)) this.enqueue(item);
    }
    return this.queue.length > 0;
  }

  /** Deletes one batch of the item's keys; true when nothing of it is left. */
  private wipeBatch(item: JanitorItem): boolean {
    let store: DurableStore | undefined;
    let prefix: string;
    const writes: StoreWrite[] = [];
    if (item.kind === 'slice') {
      if (!this.deps.usable(item.vn) || this.deps.holdsRole(item.vn, item.seedHex, item.slice)) return true;
      store = this.deps.storeOfVn(item.vn);
      prefix = slicePrefix(item.seedHex, item.slice);
      const meta = sliceMetaKey(item.seedHex, item.slice);
      if (store?.get(meta) !== undefined) writes.push({ key: meta, value: null });
    } else {
      if (!this.deps.driveUsable(item.driveId) || this.deps.seedInUse(item.seedHex)) return true;
      store = this.deps.storeOfDrive(item.driveId);
      prefix = `o/${item.seedHex}/`;
    }
    if (store === undefined) return true;
    const rows = store.scan({ startKey: prefix, endKey: prefixEnd(prefix), limit: JANITOR_ROWS_PER_BATCH });
    for (const [key] of rows) writes.push({ key, value: null });
    if (item.kind === 'seed' && rows.length < JANITOR_ROWS_PER_BATCH) {
      const metas = store.scan({ startKey: `m/${item.seedHex}/`, endKey: prefixEnd(`m/${item.seedHex}/`), limit: JANITOR_ROWS_PER_BATCH });
      for (const [key] of metas) writes.push({ key, value: null });
    }
    if (writes.length === 0) return true;
    this.deletedKeys += writes.length;
    store.commit(writes, (result) => { if (!result.ok) this.deps.onCommitFailed(`janitor delete failed: ${result.error}`, store); });
    return rows.length < JANITOR_ROWS_PER_BATCH;
  }
}
