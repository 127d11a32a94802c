// key → slice: xxHash64 of the key's UTF-8 bytes with the container's 64-bit seed, modulo the
// container's slice count. The per-container seed makes one object name land in different
// slices in different containers (the seed requirement), so hot names do not line up.

import { xxh64Halves } from './xxh64-fast';

const encoder = new TextEncoder();
/** Reused for encoding keys (up to a third of its length in UTF-16 units always fits). */
let scratch = new Uint8Array(4096);

export class HashSeedError extends Error {
  override readonly name = 'HashSeedError';
}

const SEED_PATTERN = /^[0-9a-f]{16}$/;

export function parseSeedHex(seedHex: string): bigint {
  if (!SEED_PATTERN.test(seedHex)) throw new HashSeedError(`seedHex: must be 16 lowercase hex digits (found ${JSON.stringify(seedHex)})`);
  return BigInt(`0x${seedHex}`);
}

function utf8(key: string): Uint8Array {
  // UTF-8 needs at most 3 bytes per UTF-16 unit.
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
  const { written } = encoder.encodeInto(key, scratch);
  return scratch.subarray(0, written);
}

/** A reusable hasher for one container: parses the seed once. */
export function sliceHasher(seedHex: string, sliceCount: number): (key: string) => number {
  parseSeedHex(seedHex);
  if (!Number.isInteger(sliceCount) || sliceCount < 1 || sliceCount > 2 ** 31) throw new HashSeedError(`sliceCount: must be an integer in 1..2^31 (found ${sliceCount})`);
  const seedH = Number.parseInt(seedHex.slice(0, 8), 16);
  const seedL = Number.parseInt(seedHex.slice(8), 16);
  // (hi·2^32 + lo) mod S, exact in doubles for S ≤ 2^31; a power of two is just the low bits.
  const powerOfTwo = (sliceCount & (sliceCount - 1)) === 0;
  const twoTo32ModS = 4294967296 % sliceCount;
  return (key) => {
    const [hi, lo] = xxh64Halves(utf8(key), seedH, seedL);
    if (powerOfTwo) return (lo & (sliceCount - 1)) >>> 0;
    return (((hi % sliceCount) * twoTo32ModS) % sliceCount + (lo % sliceCount)) % sliceCount;
  };
}

export function sliceOf(key: string, seedHex: string, sliceCount: number): number {
  return sliceHasher(seedHex, sliceCount)(key);
}
