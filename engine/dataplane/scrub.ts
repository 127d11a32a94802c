// Scrub: every record a node holds for its in-sync copies is checked against its checksum, and a
// corrupt one is repaired from the other copy (a bit flipped at rest, a write torn by a crash).

import type { ControllerState } from '../controller/state';
import type { DurableStore, StoreWrite } from '../runtime/runtime';
import { REPL_FETCH, type ReplAck } from './messages';
import { decodeObject } from './object-record';
import { objectKey, prefixEnd, slicePrefix } from './store-keys';

/** Records a scrub reads from a drive per scan. */
export const SCRUB_SCAN_RECORDS = 1024;

export interface ScrubDeps {
  state(): ControllerState | undefined;
  usable(vn: string): boolean;
  storeOfVn(vn: string): DurableStore | undefined;
  nodeOfVn(vn: string): string | undefined;
  /** The local primary of a slice repairs its own records. */
  repairOnPrimary(seedHex: string, slice: number, keys: readonly string[]): void;
  sendToReplica(nodeId: string, build: (id: number) => unknown, onAck: (ack: ReplAck) => void): void;
  commitFailed(reason: string, store: DurableStore): void;
}

/**
 * Verifies the checksum of every record this node holds for its in-sync copies and repairs the
 * corrupt ones from the other copy. Returns how many slices needed a repair.
 */
export function scrubNode(deps: ScrubDeps): number {
  let repaired = 0;
  const state = deps.state();
  if (state === undefined) return 0;
  for (const container of Object.values(state.containers)) {
    container.slices.forEach((entry, slice) => {
      const local = [entry.primary, entry.secondary, entry.learner ?? ''].find((vn) => deps.usable(vn) && entry.inSync.includes(vn));
      const store = local === undefined ? undefined : deps.storeOfVn(local);
      if (local === undefined || store === undefined) return;
      const corrupt = corruptKeysOfSlice(store, container.seedHex, slice);
      if (corrupt.length === 0) return;
      repaired++;
      if (local === entry.primary) {
        deps.repairOnPrimary(container.seedHex, slice, corrupt);
        return;
      }
      const primaryNode = deps.nodeOfVn(entry.primary);
      if (primaryNode === undefined) return;
      deps.sendToReplica(primaryNode, (id) => ({ kind: REPL_FETCH, id, container: container.name, slice, epoch: entry.epoch, fromVn: local, toVn: entry.primary, keys: corrupt }), (ack) => {
        if (!ack.ok) return;
        // A valid record always beats a corrupt one; a key the primary lacks goes here too.
        const alsoCorrupt = new Set(ack.corruptKeys ?? []);
        const found = new Map((ack.items ?? []).map((item) => [item.key, item.record]));
        const stillCorrupt = (key: string): boolean => {
          const bytes = store.get(objectKey(container.seedHex, slice, key));
          if (bytes === undefined) return false;
          try {
            decodeObject(bytes, key);
            return false;
          } catch {
            return true;
          }
        };
        // Only records still corrupt: replication may have brought a newer one meanwhile.
        const writes: StoreWrite[] = corrupt.filter((key) => !alsoCorrupt.has(key) && stillCorrupt(key)).map((key) => ({ key: objectKey(container.seedHex, slice, key), value: found.get(key) ?? null }));
        store.commit(writes, (result) => { if (!result.ok) deps.commitFailed(`scrub repair failed: ${result.error}`, store); });
      });
    });
  }
  return repaired;
}

/** Keys of a slice whose records fail their checksum. */
function corruptKeysOfSlice(store: DurableStore, seedHex: string, slice: number): string[] {
  const prefix = slicePrefix(seedHex, slice);
  const corrupt: string[] = [];
  let cursor = prefix;
  for (;;) {
    const rows = store.scan({ startKey: cursor, endKey: prefixEnd(prefix), limit: SCRUB_SCAN_RECORDS });
    for (const [key, bytes] of rows) {
      try {
        decodeObject(bytes, key);
      } catch {
        corrupt.push(key.slice(prefix.length));
      }
    }
    const last = rows[rows.length - 1];
    if (rows.length < SCRUB_SCAN_RECORDS || last === undefined) return corrupt;
    cursor = `${last[0]}\u0000`;
  }
}
