// The stored image of one object (or of its deletion) on a replica's drive.
//
// Binary layout, so values are stored as they are (no base64):
//   u32 header length | header (JSON, UTF-8) | value bytes | u32 CRC-32C of everything before
// A torn or bit-flipped record fails its checksum and is never served.
//
// Every write carries a stamp (epoch, counter) given by the slice's primary. Stamps are unique
// and increase in the primary's order: a new primary has a higher epoch, and a primary never
// reuses a counter (it reserves counter ranges durably before using them). Replicas merge by
// keeping the record with the higher stamp, so replication, rebuild and restart reconciliation
// are all the same idempotent, order-free operation.

import { crc32c } from '../codec/crc32c';
import { CorruptRecordError } from '../codec/json-bytes';

export interface Stamp {
  readonly epoch: number;
  readonly counter: number;
}

/** A request that wrote a key, and the version it produced. */
export interface WriterEntry {
  readonly clientId: string;
  readonly seq: number;
  readonly version: number;
}


export interface ObjectRecord {
  /** Public version: the previous version + 1 on every write of the key (deletes included). */
  readonly version: number;
  readonly stamp: Stamp;
  readonly deleted: boolean;
  readonly value: Uint8Array;
  /** The request that wrote this image (for diagnostics; dedup has its own records). */
  readonly writers: readonly WriterEntry[];
}

interface Header {
  readonly v: number;
  readonly e: number;
  readonly c: number;
  readonly d: 0 | 1;
  readonly w: ReadonlyArray<readonly [string, number, number]>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function compareStamps(a: Stamp, b: Stamp): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.counter - b.counter;
}

export function encodeObject(record: ObjectRecord): Uint8Array {
  const header: Header = { v: record.version, e: record.stamp.epoch, c: record.stamp.counter, d: record.deleted ? 1 : 0, w: record.writers.map((e) => [e.clientId, e.seq, e.version] as const) };
  const headerBytes = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(4 + headerBytes.length + record.value.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length);
  out.set(headerBytes, 4);
  out.set(record.value, 4 + headerBytes.length);
  view.setUint32(out.length - 4, crc32c(out.subarray(0, out.length - 4)));
  return out;
}

export function decodeObject(bytes: Uint8Array, what: string): ObjectRecord {
  if (bytes.length < 8) throw new CorruptRecordError(`${what}: record of ${bytes.length} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(bytes.length - 4) !== crc32c(bytes.subarray(0, bytes.length - 4))) throw new CorruptRecordError(`${what}: checksum mismatch`);
  const headerLength = view.getUint32(0);
  if (4 + headerLength + 4 > bytes.length) throw new CorruptRecordError(`${what}: header length ${headerLength} past the end`);
  const header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerLength))) as Header;
  return {
    version: header.v,
    stamp: { epoch: header.e, counter: header.c },
    deleted: header.d === 1,
    value: bytes.slice(4 + headerLength, bytes.length - 4),
    writers: header.w.map(([clientId, seq, version]) => ({ clientId, seq, version })),
  };
}

/** Only the stamp, for merges (still checksummed). */
export function stampOf(bytes: Uint8Array, what: string): Stamp {
  return decodeObject(bytes, what).stamp;
}
