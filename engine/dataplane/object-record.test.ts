import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorruptRecordError } from '../codec/json-bytes';
import { compareStamps, decodeObject, encodeObject, type ObjectRecord } from './object-record';

const record: ObjectRecord = { version: 7, stamp: { epoch: 3, counter: 41 }, deleted: false, value: new Uint8Array([0, 1, 2, 255]), writers: [{ clientId: 'c-1', seq: 9, version: 7 }] };

test('object records round-trip, values stored as raw bytes', () => {
  const bytes = encodeObject(record);
  assert.deepEqual(decodeObject(bytes, 'k'), record);
  const tombstone: ObjectRecord = { ...record, deleted: true, value: new Uint8Array(0), writers: [] };
  assert.deepEqual(decodeObject(encodeObject(tombstone), 'k'), tombstone);
});

test('every single-bit flip and every truncation of a record fails the checksum and is never decoded', () => {
  const bytes = encodeObject(record);
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = bytes.slice();
      flipped[i] = (flipped[i] ?? 0) ^ (1 << bit);
      assert.throws(() => decodeObject(flipped, 'k'), CorruptRecordError, `bit ${bit} of byte ${i} flipped`);
    }
  }
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(() => decodeObject(bytes.slice(0, length), 'k'), CorruptRecordError, `torn at ${length}`);
  }
});

test('stamps order by epoch, then counter', () => {
  assert.ok(compareStamps({ epoch: 2, counter: 1 }, { epoch: 1, counter: 999 }) > 0);
  assert.ok(compareStamps({ epoch: 2, counter: 5 }, { epoch: 2, counter: 6 }) < 0);
  assert.equal(compareStamps({ epoch: 2, counter: 5 }, { epoch: 2, counter: 5 }), 0);
});
