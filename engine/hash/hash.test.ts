import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { xxh64 as nativeXxh64 } from '@node-rs/xxhash';
import { xxh64 } from './xxh64';
import { xxh64Halves } from './xxh64-fast';
import { HashSeedError, sliceHasher, sliceOf } from './slice-of';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test('XXH64 matches the published test vectors', () => {
  // Reference values from the xxHash project (xxhsum -H64).
  assert.equal(xxh64(text(''), 0n).toString(16), 'ef46db3751d8e999');
  assert.equal(xxh64(text('a'), 0n).toString(16), 'd24ec4f1a98c6e5b');
  assert.equal(xxh64(text('abc'), 0n).toString(16), '44bc2cf5ad770999');
  assert.equal(xxh64(text('Nobody inspects the spammish repetition'), 0n).toString(16), 'fbcea83c8a378bf1');
});

test('XXH64 agrees with the native implementation on random inputs, seeds and every length across the 4/8/32-byte boundaries', () => {
  for (let len = 0; len <= 100; len++) {
    const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 0xff);
    assert.equal(xxh64(bytes, 0x9e3779b97f4a7c15n), nativeXxh64(bytes, 0x9e3779b97f4a7c15n), `length ${len}`);
  }
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (bytes, seed) => {
    assert.equal(xxh64(bytes, seed), nativeXxh64(bytes, seed));
  }), { numRuns: 2000 });
});

test('the 32-bit-halves XXH64 used on the hot path is bit-exact with the native one', () => {
  const fast = (bytes: Uint8Array, seed: bigint): bigint => {
    const [hi, lo] = xxh64Halves(bytes, Number(seed >> 32n), Number(seed & 0xffffffffn));
    return (BigInt(hi) << 32n) | BigInt(lo);
  };
  for (let len = 0; len <= 100; len++) {
    const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
    assert.equal(fast(bytes, 0xffffffffffffffffn), nativeXxh64(bytes, 0xffffffffffffffffn), `length ${len}`);
  }
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (bytes, seed) => {
    assert.equal(fast(bytes, seed), nativeXxh64(bytes, seed));
  }), { numRuns: 2000 });
});

test('key to slice equals the reference xxh64 mod S, for powers of two and other counts, and for non-ASCII keys', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 1, max: 70_000 }), (key, seed, count) => {
    const seedHex = seed.toString(16).padStart(16, '0');
    const expected = Number(xxh64(new TextEncoder().encode(key), seed) % BigInt(count));
    assert.equal(sliceOf(key, seedHex, count), expected);
  }), { numRuns: 2000 });
});

test('a key lands in a slice within range, and in different slices for different container seeds', () => {
  const a = sliceHasher('0123456789abcdef', 4096);
  const b = sliceHasher('fedcba9876543210', 4096);
  let same = 0;
  for (let i = 0; i < 1000; i++) {
    const key = `object-${i}`;
    const sa = a(key);
    assert.ok(sa >= 0 && sa < 4096);
    if (sa === b(key)) same++;
  }
  // Independent seeds agree on about 1000/4096 keys by chance.
  assert.ok(same < 10, `${same} keys landed in the same slice under both seeds`);
  assert.equal(sliceOf('object-1', '0123456789abcdef', 4096), a('object-1'));
});

test('slices are spread evenly', () => {
  const hash = sliceHasher('00000000000000aa', 64);
  const counts = new Array<number>(64).fill(0);
  for (let i = 0; i < 64_000; i++) counts[hash(`k${i}`)]!++;
  assert.ok(Math.min(...counts) > 800 && Math.max(...counts) < 1200, `${Math.min(...counts)}..${Math.max(...counts)}`);
});

test('a malformed seed is refused naming the field', () => {
  assert.throws(() => sliceOf('k', 'xyz', 64), (e: unknown) => e instanceof HashSeedError && /^seedHex: must be 16 lowercase hex digits/.test(e.message));
});
