// Keys and bytes per slice, read from a stored copy (the primary's, else another in-sync one)
// on the drives of the running nodes. The engine keeps no per-slice counters, so the console's
// "colour by load" and its slice tooltip scan the slice key ranges here, within a record budget,
// and cache the result briefly. A browse view, not a linearizable read: a write in flight may
// or may not be counted.

import type { ContainerRecord, ControllerState } from '../../engine/controller/state';
import type { DurableStore } from '../../engine/runtime/runtime';
import { decodeObject } from '../../engine/dataplane/object-record';
import { prefixEnd, slicePrefix } from '../../engine/dataplane/store-keys';
import { allVns } from '../../engine/topology/topology';

/** Records one usage computation of a container may read; slices past it are reported unknown. */
export const SLICE_USAGE_RECORDS_MAX = 200_000;
/** Records read from the store per scan call. */
export const SLICE_SCAN_CHUNK_RECORDS = 1_000;
/** How long a container's usage is reused before it is scanned again. */
export const SLICE_USAGE_CACHE_MS = 5_000;
/** Keys one slice listing returns at most. */
export const SLICE_KEYS_LIMIT_MAX = 500;

type ScanStore = Pick<DurableStore, 'scan'>;

export interface SliceUsage {
  readonly keys: number;
  readonly bytes: number;
}

export interface StoredKey {
  readonly key: string;
  readonly version: number;
  readonly size: number;
}

// Dedup records share the slice's range under a NUL prefix (store-keys.ts); object keys never
// contain NUL, so starting after it skips them.
const firstObjectKey = (seedHex: string, slice: number): string => `${slicePrefix(seedHex, slice)}\u0001`;

/** Walks one slice's live objects in key order, `visit` returning false to stop. Returns records read. */
function walkSlice(store: ScanStore, seedHex: string, slice: number, recordsMax: number, visit: (key: string, version: number, size: number) => boolean, after = ''): { read: number; complete: boolean } {
  const prefix = slicePrefix(seedHex, slice);
  const endKey = prefixEnd(prefix);
  let startKey = after === '' ? firstObjectKey(seedHex, slice) : `${prefix}${after}\u0000`;
  let read = 0;
  while (read < recordsMax) {
    const limit = Math.min(SLICE_SCAN_CHUNK_RECORDS, recordsMax - read);
    const batch = store.scan({ startKey, endKey, limit });
    for (const [storeKey, bytes] of batch) {
      read++;
      let record;
      try {
        record = decodeObject(bytes, storeKey);
      } catch {
        continue; // a damaged record is the data plane's to repair; it is not a live key here
      }
      if (!record.deleted && !visit(storeKey.slice(prefix.length), record.version, record.value.byteLength)) return { read, complete: false };
    }
    const last = batch[batch.length - 1];
    if (batch.length < limit || last === undefined) return { read, complete: true };
    startKey = `${last[0]}\u0000`;
  }
  return { read, complete: false };
}

export function scanSliceUsage(store: ScanStore, seedHex: string, slice: number, recordsMax: number): SliceUsage & { readonly read: number; readonly complete: boolean } {
  let keys = 0;
  let bytes = 0;
  const walked = walkSlice(store, seedHex, slice, recordsMax, (_key, _version, size) => { keys++; bytes += size; return true; });
  return { keys, bytes, read: walked.read, complete: walked.complete };
}

/** Keys of one slice after `after` (exclusive), in key order, at most `limit`. */
export function listSliceKeys(store: ScanStore, seedHex: string, slice: number, after: string, limit: number): { keys: StoredKey[]; nextAfter: string | null } {
  const keys: StoredKey[] = [];
  const seen = { more: false };
  walkSlice(store, seedHex, slice, Number.MAX_SAFE_INTEGER, (key, version, size) => {
    if (keys.length === limit) { seen.more = true; return false; }
    keys.push({ key, version, size });
    return true;
  }, after);
  const last = keys[keys.length - 1];
  return { keys, nextAfter: seen.more && last !== undefined ? last.key : null };
}

export interface StoreOfDrive {
  /** The store of a drive of a running node, or undefined (node stopped, drive failed). */
  (driveId: string): ScanStore | undefined;
}

/** The store holding a readable copy of the slice: its primary's, else another in-sync copy's. */
export function copyStore(state: ControllerState, container: ContainerRecord, slice: number, storeOf: StoreOfDrive): { vnId: string; store: ScanStore } | null {
  const entry = container.slices[slice];
  if (entry === undefined) return null;
  const driveOfVn = new Map(allVns(state.topology).map((v) => [v.id, v.driveId]));
  for (const vnId of [entry.primary, ...entry.inSync.filter((v) => v !== entry.primary)]) {
    const driveId = driveOfVn.get(vnId);
    const store = driveId === undefined ? undefined : storeOf(driveId);
    if (store !== undefined) return { vnId, store };
  }
  return null;
}

export interface ContainerUsage {
  /** Per slice; -1 where no copy could be read or the record budget ran out. */
  readonly keys: number[];
  readonly bytes: number[];
  readonly complete: boolean;
  readonly computedAtMs: number;
}

export function computeContainerUsage(state: ControllerState, container: ContainerRecord, storeOf: StoreOfDrive, nowMs: number, recordsMax = SLICE_USAGE_RECORDS_MAX): ContainerUsage {
  const keys: number[] = [];
  const bytes: number[] = [];
  let budget = recordsMax;
  let complete = true;
  for (let slice = 0; slice < container.sliceCount; slice++) {
    const copy = budget > 0 ? copyStore(state, container, slice, storeOf) : null;
    let usage: ReturnType<typeof scanSliceUsage> | null;
    try {
      usage = copy === null ? null : scanSliceUsage(copy.store, container.seedHex, slice, budget);
    } catch {
      usage = null; // a store closing under us (its node just stopped): unknown this time
    }
    if (usage === null || !usage.complete) {
      complete = false;
      keys.push(-1);
      bytes.push(-1);
      budget = usage === null ? budget : 0;
      continue;
    }
    budget -= usage.read;
    keys.push(usage.keys);
    bytes.push(usage.bytes);
  }
  return { keys, bytes, complete, computedAtMs: nowMs };
}

/** A container's usage, reused for SLICE_USAGE_CACHE_MS; one entry per container name. */
export class ContainerUsageCache {
  private readonly entries = new Map<string, { readonly seedHex: string; readonly usage: ContainerUsage }>();

  get(state: ControllerState, container: ContainerRecord, storeOf: StoreOfDrive, nowMs: number): ContainerUsage {
    const cached = this.entries.get(container.name);
    if (cached !== undefined && cached.seedHex === container.seedHex && nowMs - cached.usage.computedAtMs < SLICE_USAGE_CACHE_MS) return cached.usage;
    const usage = computeContainerUsage(state, container, storeOf, nowMs);
    // Bounded by the containers that exist: forget the ones that are gone.
    for (const name of this.entries.keys()) if (state.containers[name] === undefined) this.entries.delete(name);
    this.entries.set(container.name, { seedHex: container.seedHex, usage });
    return usage;
  }
}
