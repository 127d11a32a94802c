// Binary records for Raft's durable state, each with a CRC-32C so a torn or flipped record is
// detected at recovery instead of being believed.
//   entry:      crc32c | term f64 | index f64 | hasData u8 | data
//   snapshot:   crc32c | term f64 | index f64 | data

import { crc32c } from '../codec/crc32c';
import { CorruptRecordError } from '../codec/json-bytes';
import type { Entry, Snapshot } from './types';

const HEADER_BYTES = 4 + 8 + 8;

export function encodeEntry(entry: Entry): Uint8Array {
  const data = entry.data ?? new Uint8Array(0);
  const out = new Uint8Array(HEADER_BYTES + 1 + data.length);
  const view = new DataView(out.buffer);
  view.setFloat64(4, entry.term);
  view.setFloat64(12, entry.index);
  out[HEADER_BYTES] = entry.data === null ? 0 : 1;
  out.set(data, HEADER_BYTES + 1);
  view.setUint32(0, crc32c(out.subarray(4)));
  return out;
}

export function decodeEntry(bytes: Uint8Array, what: string): Entry {
  const view = check(bytes, HEADER_BYTES + 1, what);
  const hasData = bytes[HEADER_BYTES] === 1;
  return { term: view.getFloat64(4), index: view.getFloat64(12), data: hasData ? bytes.slice(HEADER_BYTES + 1) : null };
}

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + snapshot.data.length);
  const view = new DataView(out.buffer);
  view.setFloat64(4, snapshot.term);
  view.setFloat64(12, snapshot.index);
  out.set(snapshot.data, HEADER_BYTES);
  view.setUint32(0, crc32c(out.subarray(4)));
  return out;
}

export function decodeSnapshot(bytes: Uint8Array, what: string): Snapshot {
  const view = check(bytes, HEADER_BYTES, what);
  return { term: view.getFloat64(4), index: view.getFloat64(12), data: bytes.slice(HEADER_BYTES) };
}

function check(bytes: Uint8Array, minBytes: number, what: string): DataView {
  if (bytes.length < minBytes) throw new CorruptRecordError(`${what}: record too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32c(bytes.subarray(4)) !== view.getUint32(0)) throw new CorruptRecordError(`${what}: checksum mismatch`);
  return view;
}
