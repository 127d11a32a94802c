// XXH64 (xxHash, 64-bit) in pure TypeScript, so the engine needs no native code and hashes the
// same in the server, the simulator and the browser. BigInt keeps the 64-bit arithmetic exact;
// keys are short, so the cost is small next to a network hop.

const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK;

function round(acc: bigint, input: bigint): bigint {
  acc = (acc + input * P2) & MASK;
  acc = rotl(acc, 31n);
  return (acc * P1) & MASK;
}

function mergeRound(acc: bigint, value: bigint): bigint {
  acc ^= round(0n, value);
  return (acc * P1 + P4) & MASK;
}

function read64(bytes: Uint8Array, i: number): bigint {
  const lo = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
  const hi = (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function read32(bytes: Uint8Array, i: number): bigint {
  return BigInt((bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0);
}

/** XXH64 of `bytes` with a 64-bit `seed`. */
export function xxh64(bytes: Uint8Array, seed: bigint): bigint {
  const len = bytes.length;
  let i = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & MASK;
    let v2 = (seed + P2) & MASK;
    let v3 = seed & MASK;
    let v4 = (seed - P1) & MASK;
    const limit = len - 32;
    do {
      v1 = round(v1, read64(bytes, i));
      v2 = round(v2, read64(bytes, i + 8));
      v3 = round(v3, read64(bytes, i + 16));
      v4 = round(v4, read64(bytes, i + 24));
      i += 32;
    } while (i <= limit);
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = (seed + P5) & MASK;
  }
  h = (h + BigInt(len)) & MASK;
  while (i + 8 <= len) {
    h ^= round(0n, read64(bytes, i));
    h = (rotl(h, 27n) * P1 + P4) & MASK;
    i += 8;
  }
  if (i + 4 <= len) {
    h ^= (read32(bytes, i) * P1) & MASK;
    h = (rotl(h, 23n) * P2 + P3) & MASK;
    i += 4;
  }
  while (i < len) {
    h ^= (BigInt(bytes[i]!) * P5) & MASK;
    h = (rotl(h, 11n) * P1) & MASK;
    i++;
  }
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  h ^= h >> 32n;
  return h;
}
