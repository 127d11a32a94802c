// XXH64 on pairs of 32-bit halves: the same function as xxh64.ts without BigInt, for the hot path
// (every client request hashes its key). 64-bit products are built from 16-bit limbs so every
// intermediate stays exact in a double. Results go through module-level registers (H, L) to
// avoid allocating per step; the functions are not reentrant, which JavaScript guarantees here.

let H = 0;
let L = 0;

const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

/** (aH:aL) * (bH:bL) mod 2^64 into (H:L). */
function mul(aH: number, aL: number, bH: number, bL: number): void {
  const a0 = aL & 0xffff, a1 = aL >>> 16, b0 = bL & 0xffff, b1 = bL >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  L = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const high = p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536);
  H = (high + Math.imul(aH, bL) + Math.imul(aL, bH)) >>> 0;
}

/** (aH:aL) + (bH:bL) mod 2^64 into (H:L). */
function add(aH: number, aL: number, bH: number, bL: number): void {
  const lo = aL + bL;
  L = lo >>> 0;
  H = (aH + bH + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotate (h:l) left by r (0 < r < 32) into (H:L). */
function rotl(h: number, l: number, r: number): void {
  H = ((h << r) | (l >>> (32 - r))) >>> 0;
  L = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** acc = rotl(acc + input * P2, 31) * P1, into (H:L). */
function round(accH: number, accL: number, inH: number, inL: number): void {
  mul(inH, inL, P2H, P2L);
  add(accH, accL, H, L);
  rotl(H, L, 31);
  mul(H, L, P1H, P1L);
}

function read32(bytes: Uint8Array, i: number): number {
  return (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
}

/** XXH64 of `bytes` with seed (seedH:seedL); the result is left in the returned pair. */
export function xxh64Halves(bytes: Uint8Array, seedH: number, seedL: number): [number, number] {
  const len = bytes.length;
  let i = 0;
  let hH: number, hL: number;
  if (len >= 32) {
    add(seedH, seedL, P1H, P1L); add(H, L, P2H, P2L); let v1H = H, v1L = L;
    add(seedH, seedL, P2H, P2L); let v2H = H, v2L = L;
    let v3H = seedH, v3L = seedL;
    // seed - P1 = seed + (2^64 - P1)
    add(seedH, seedL, (~P1H) >>> 0, (~P1L) >>> 0); add(H, L, 0, 1); let v4H = H, v4L = L;
    do {
      round(v1H, v1L, read32(bytes, i + 4), read32(bytes, i)); v1H = H; v1L = L;
      round(v2H, v2L, read32(bytes, i + 12), read32(bytes, i + 8)); v2H = H; v2L = L;
      round(v3H, v3L, read32(bytes, i + 20), read32(bytes, i + 16)); v3H = H; v3L = L;
      round(v4H, v4L, read32(bytes, i + 28), read32(bytes, i + 24)); v4H = H; v4L = L;
      i += 32;
    } while (i <= len - 32);
    rotl(v1H, v1L, 1); hH = H; hL = L;
    rotl(v2H, v2L, 7); add(hH, hL, H, L); hH = H; hL = L;
    rotl(v3H, v3L, 12); add(hH, hL, H, L); hH = H; hL = L;
    rotl(v4H, v4L, 18); add(hH, hL, H, L); hH = H; hL = L;
    for (const [vH, vL] of [[v1H, v1L], [v2H, v2L], [v3H, v3L], [v4H, v4L]] as const) {
      round(0, 0, vH, vL);
      hH = (hH ^ H) >>> 0; hL = (hL ^ L) >>> 0;
      mul(hH, hL, P1H, P1L); add(H, L, P4H, P4L); hH = H; hL = L;
    }
  } else {
    add(seedH, seedL, P5H, P5L); hH = H; hL = L;
  }
  add(hH, hL, 0, len); hH = H; hL = L;
  while (i + 8 <= len) {
    round(0, 0, read32(bytes, i + 4), read32(bytes, i));
    hH = (hH ^ H) >>> 0; hL = (hL ^ L) >>> 0;
    rotl(hH, hL, 27); mul(H, L, P1H, P1L); add(H, L, P4H, P4L); hH = H; hL = L;
    i += 8;
  }
  if (i + 4 <= len) {
    mul(0, read32(bytes, i), P1H, P1L);
    hH = (hH ^ H) >>> 0; hL = (hL ^ L) >>> 0;
    rotl(hH, hL, 23); mul(H, L, P2H, P2L); add(H, L, P3H, P3L); hH = H; hL = L;
    i += 4;
  }
  while (i < len) {
    mul(0, bytes[i]!, P5H, P5L);
    hH = (hH ^ H) >>> 0; hL = (hL ^ L) >>> 0;
    rotl(hH, hL, 11); mul(H, L, P1H, P1L); hH = H; hL = L;
    i++;
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hL = (hL ^ (hH >>> 1)) >>> 0;
  mul(hH, hL, P2H, P2L); hH = H; hL = L;
  const shiftedLo = ((hL >>> 29) | (hH << 3)) >>> 0;
  hH = (hH ^ (hH >>> 29)) >>> 0;
  hL = (hL ^ shiftedLo) >>> 0;
  mul(hH, hL, P3H, P3L); hH = H; hL = L;
  hL = (hL ^ hH) >>> 0;
  return [hH, hL];
}
