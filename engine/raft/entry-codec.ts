// Binary records for Raft's durable state, each with a CRC-32C so a torn or flipped record is
// detected at recovery instead of being believed.
//   entry:      crc32c | term f64 | index f64 | kind u8 (0 empty, 1 data, 2 conf change as JSON) | body
//   snapshot:   crc32c | term f64 | index f64 | voters JSON length u32 | voters JSON | data

import { crc32c } from '../codec/crc32c';
import { CorruptRecordError } from '../codec/json-bytes';
import type { Entry, Snapshot } from './types';

const HEADER_BYTES = 4 + 8 + 8;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEntry(entry: Entry): Uint8Array {
  const data = entry.conf !== undefined ? encoder.encode(JSON.stringify(entry.conf)) : entry.data ?? new Uint8Array(0);
  const out = new Uint8Array(HEADER_BYTES + 1 + data.length);
  const view = new DataView(out.buffer);
  view.setFloat64(4, entry.term);
  view.setFloat64(12, entry.index);
  out[HEADER_BYTES] = entry.conf !== undefined ? 2 : entry.data === null ? 0 : 1;
  out.set(data, HEADER_BYTES + 1);
  view.setUint32(0, crc32c(out.subarray(4)));
  return out;
}

export function decodeEntry(bytes: Uint8Array, what: string): Entry {
  const view = check(bytes, HEADER_BYTES + 1, what);
  const kind = bytes[HEADER_BYTES];
  const base = { term: view.getFloat64(4), index: view.getFloat64(12) };
  if (kind === 2) return { ...base, data: null, conf: JSON.parse(decoder.decode(bytes.subarray(HEADER_BYTES + 1))) as Entry['conf'] & object };
  return { ...base, data: kind === 1 ? bytes.slice(HEADER_BYTES + 1) : null };
}

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const voters = encoder.encode(JSON.stringify(snapshot.voters ?? null));
  const out = new Uint8Array(HEADER_BYTES + 4 + voters.length + snapshot.data.length);
  const view = new DataView(out.buffer);
  view.setFloat64(4, snapshot.term);
  view.setFloat64(12, snapshot.index);
  view.setUint32(HEADER_BYTES, voters.length);
  out.set(voters, HEADER_BYTES + 4);
  out.set(snapshot.data, HEADER_BYTES + 4 + voters.length);
  view.setUint32(0, crc32c(out.subarray(4)));
  return out;
}

export function decodeSnapshot(bytes: Uint8Array, what: string): Snapshot {
  const view = check(bytes, HEADER_BYTES + 4, what);
  const votersLength = view.getUint32(HEADER_BYTES);
  const voters = JSON.parse(decoder.decode(bytes.subarray(HEADER_BYTES + 4, HEADER_BYTES + 4 + votersLength))) as string[] | null;
  const base = { term: view.getFloat64(4), index: view.getFloat64(12), data: bytes.slice(HEADER_BYTES + 4 + votersLength) };
  return voters === null ? base : { ...base, voters };
}

function check(bytes: Uint8Array, minBytes: number, what: string): DataView {
  if (bytes.length < minBytes) throw new CorruptRecordError(`${what}: record too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32c(bytes.subarray(4)) !== view.getUint32(0)) throw new CorruptRecordError(`${what}: checksum mismatch`);
  return view;
}
