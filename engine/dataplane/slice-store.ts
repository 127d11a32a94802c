// A slice's records on one drive, as the copies exchange them: chunks for rebuild and
// reconciliation, merges of another copy's records (the higher stamp wins), and the cleanup of a
// client's dedup records once its answers are final.

import type { DurableStore, StoreWrite } from '../runtime/runtime';
import type { ReplItem } from './messages';
import { compareStamps, decodeObject, type ObjectRecord } from './object-record';
import { dedupClientPrefix, dedupKey, objectKey, prefixEnd, slicePrefix } from './store-keys';

/** Dedup records a write cleans up at most (the rest go with later writes). */
export const DEDUP_DELETES_PER_WRITE_MAX = 64;
/** Records per rebuild or reconcile message. */
export const COPY_CHUNK_RECORDS = 128;

/** Deletes of one client's dedup records below `settled.below` in a slice (its answers are final). */
export function settledDedupDeletes(store: DurableStore, seedHex: string, slice: number, settled: { readonly clientId: string; readonly below: number }): StoreWrite[] {
  const prefix = objectKey(seedHex, slice, dedupClientPrefix(settled.clientId));
  const rows = store.scan({ startKey: prefix, endKey: objectKey(seedHex, slice, dedupKey(settled.clientId, settled.below)), limit: DEDUP_DELETES_PER_WRITE_MAX });
  return rows.map(([key]) => ({ key, value: null }));
}

/**
 * Up to a chunk of a slice's records from store key `cursor` on, filtered, with keys relative to
 * the slice; `next` is null at the end of the slice.
 */
export function scanSliceChunk(store: DurableStore, seedHex: string, slice: number, cursor: string, keep: (record: ObjectRecord) => boolean): { items: ReplItem[]; next: string | null } {
  const end = prefixEnd(slicePrefix(seedHex, slice));
  const rows = store.scan({ startKey: cursor, endKey: end, limit: COPY_CHUNK_RECORDS });
  const prefixLength = slicePrefix(seedHex, slice).length;
  const items: ReplItem[] = [];
  for (const [storeKey, bytes] of rows) {
    let record: ObjectRecord | undefined;
    try {
      record = decodeObject(bytes, storeKey);
    } catch {
      record = undefined;
    }
    // A record that fails its checksum travels as it is: the receiver keeps it only where it
    // has nothing valid, so a lost record stays loudly lost instead of silently vanishing.
    if (record === undefined || keep(record)) items.push({ key: storeKey.slice(prefixLength), record: bytes });
  }
  const last = rows[rows.length - 1];
  const next = rows.length < COPY_CHUNK_RECORDS || last === undefined ? null : `${last[0]}\u0000`;
  return { items, next };
}

/** The writes that merge another copy's records into `store`: higher stamp wins. */
export function mergeItemWrites(store: DurableStore, seedHex: string, slice: number, items: readonly ReplItem[]): StoreWrite[] {
  const writes: StoreWrite[] = [];
  for (const item of items) {
    const key = objectKey(seedHex, slice, item.key);
    const incoming = tryDecodeObject(item.record, item.key);
    const existingBytes = store.get(key);
    const existing = existingBytes === undefined ? undefined : tryDecodeObject(existingBytes, key);
    // Higher stamp wins; a valid record beats a corrupt one; a corrupt one (copied by a
    // rebuild from a damaged primary) is kept only where nothing else is.
    const take = incoming === undefined
      ? existingBytes === undefined
      : existing === undefined || compareStamps(incoming.stamp, existing.stamp) > 0;
    if (take) writes.push({ key, value: item.record });
  }
  return writes;
}

function tryDecodeObject(bytes: Uint8Array, what: string): ObjectRecord | undefined {
  try {
    return decodeObject(bytes, what);
  } catch {
    return undefined;
  }
}
