// Plain-data records to bytes and back, with a CRC-32C checksum so a torn or bit-flipped record
// is detected on read instead of being trusted.

import { crc32c } from './crc32c';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

/** Layout: 4-byte big-endian CRC-32C of the body, then the UTF-8 JSON body. */
export function encodeRecord(value: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(value));
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, crc32c(body), false);
  out.set(body, 4);
  return out;
}

export function decodeRecord(bytes: Uint8Array, what: string): unknown {
  if (bytes.length < 4) throw new CorruptRecordError(`${what}: record shorter than its checksum`);
  const expected = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, false);
  const body = bytes.subarray(4);
  if (crc32c(body) !== expected) throw new CorruptRecordError(`${what}: checksum mismatch`);
  return JSON.parse(decoder.decode(body));
}
