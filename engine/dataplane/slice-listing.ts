// Listing: the live keys with a prefix after a cursor, from the slices a node leads, in key
// order. Tombstones and dedup records are skipped; a page holds at most LIST_LIMIT_MAX keys.

import type { DurableStore } from '../runtime/runtime';
import type { DataOp, DataResult, ListedKey } from './messages';
import { decodeObject } from './object-record';
import { DEDUP_KEY_PREFIX, objectKey, prefixEnd, slicePrefix } from './store-keys';

/** Keys one list request may return. */
export const LIST_LIMIT_MAX = 1_000;

/** One page of keys from `slices` (the active primaries of the container on this node). */
export function listKeys(op: Extract<DataOp, { type: 'list' }>, seedHex: string, slices: ReadonlyArray<{ readonly slice: number; readonly store: DurableStore | undefined }>): DataResult {
  const limit = Math.max(1, Math.min(LIST_LIMIT_MAX, op.limit));
  const found: ListedKey[] = [];
  let more = false;
  for (const { slice, store } of slices) {
    if (store === undefined) continue;
    const base = slicePrefix(seedHex, slice);
    const start = op.cursor > op.prefix ? `${objectKey(seedHex, slice, op.cursor)}\u0000` : objectKey(seedHex, slice, op.prefix);
    let cursor = start;
    let taken = 0;
    // Tombstones do not count; keep scanning until `limit` live keys or the end of the prefix.
    while (taken < limit) {
      const want = limit - taken + 16;
      const rows = store.scan({ startKey: cursor, endKey: prefixEnd(base + op.prefix), limit: want });
      for (const [storeKey, bytes] of rows) {
        try {
          if (storeKey.startsWith(DEDUP_KEY_PREFIX, base.length)) continue;
          const record = decodeObject(bytes, storeKey);
          if (record.deleted) continue;
          found.push({ key: storeKey.slice(base.length), version: record.version, size: record.value.length });
          taken++;
        } catch {
          continue;
        }
      }
      const last = rows[rows.length - 1];
      if (rows.length < want || last === undefined) break;
      cursor = `${last[0]}\u0000`;
    }
    if (taken >= limit) more = true;
  }
  found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (found.length > limit) more = true;
  return { ok: true, keys: found.slice(0, limit), more };
}
