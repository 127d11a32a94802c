import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from './crc32c';
import { CorruptRecordError, decodeRecord, encodeRecord } from './json-bytes';

test('crc32c matches the published check value of "123456789"', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('a record round-trips and every single-bit flip of it is detected', () => {
  const bytes = encodeRecord({ a: 1, b: 'x' });
  assert.deepEqual(decodeRecord(bytes, 'r'), { a: 1, b: 'x' });
  for (let index = 0; index < bytes.length; index++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = bytes.slice();
      flipped[index]! ^= 1 << bit;
      assert.throws(() => decodeRecord(flipped, 'r'), CorruptRecordError, `bit ${bit} of byte ${index} flipped`);
    }
  }
  assert.throws(() => decodeRecord(new Uint8Array(2), 'r'), CorruptRecordError);
});
