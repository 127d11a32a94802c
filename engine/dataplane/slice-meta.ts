// Per-slice bookkeeping a primary keeps on its drive: how far its write counter is reserved
// (a restarted primary resumes above it, so no stamp is ever reused), and its sync mark (every
// write stamped at or below it is durable on both copies; after a restart, newer records are
// pushed to the secondary before the slice serves), and the last epoch at which it proposed to
// add a rebuilt copy to the in-sync set (a restarted primary must not wipe a copy that an add
// still in the Raft log may yet vouch for; see PrimarySlice's fence).

import { decodeRecord, encodeRecord } from '../codec/json-bytes';
import type { Stamp } from './object-record';

export interface SliceMeta {
  readonly reserved: number;
  readonly synced: Stamp;
  /** Slice epoch of this primary's last in-sync add proposal; absent in records written before it existed. */
  readonly addProposedEpoch?: number;
}

export function encodeSliceMeta(meta: SliceMeta): Uint8Array {
  return encodeRecord(meta);
}

export function decodeSliceMeta(bytes: Uint8Array): SliceMeta {
  return decodeRecord(bytes, 'slice meta') as SliceMeta;
}
