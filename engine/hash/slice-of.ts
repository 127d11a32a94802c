// key → slice: xxHash64 of the key's UTF-8 bytes with the container's 64-bit seed, modulo the
// container's slice count. The per-container seed makes one object name land in different
// slices in different containers (the seed requirement), so hot names do not line up.

import { xxh64 } from './xxh64';

const encoder = new TextEncoder();

export class HashSeedError extends Error {
  override readonly name = 'HashSeedError';
}

const SEED_PATTERN = /^[0-9a-f]{16}$/;

export function parseSeedHex(seedHex: string): bigint {
  if (!SEED_PATTERN.test(seedHex)) throw new HashSeedError(`seedHex: must be 16 lowercase hex digits (found ${JSON.stringify(seedHex)})`);
  return BigInt(`0x${seedHex}`);
}

/** A reusable hasher for one container: parses the seed once. */
export function sliceHasher(seedHex: string, sliceCount: number): (key: string) => number {
  const seed = parseSeedHex(seedHex);
  const count = BigInt(sliceCount);
  return (key) => Number(xxh64(encoder.encode(key), seed) % count);
}

export function sliceOf(key: string, seedHex: string, sliceCount: number): number {
  return sliceHasher(seedHex, sliceCount)(key);
}
