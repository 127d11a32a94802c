import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AcaAnswer } from './aca-answer';
import { RegionWriteLease } from './write-lease';

const a = (generation: number): AcaAnswer => ({ active: 'region-a', secondary: 'region-b', generation });
const b = (generation: number): AcaAnswer => ({ active: 'region-b', secondary: 'region-a', generation });
const config = { regionId: 'region-a', leaseMs: 3_000, clockRateErrorMax: 0.01 };

test('a region named active by a majority waits out the previous lease, then writes until its lease lapses', () => {
  const lease = new RegionWriteLease(config);
  assert.equal(lease.writeState(0).ok, false);
  lease.onPoll(1_000, 1_100, [a(1), a(1), null]);
  const wait = lease.takeoverWaitMs();
  assert.ok(wait > 3_000 * 1.02, `the wait ${wait} ms covers a lease on a clock 1% slow`);
  const waiting = lease.writeState(1_200);
  assert.equal(!waiting.ok && waiting.reason, 'waiting-out-previous-lease');
  // Renewals keep it writable once the wait is over.
  for (let t = 2_000; t <= 5_000; t += 1_000) lease.onPoll(t, t + 100, [a(1), a(1), a(1)]);
  assert.equal(lease.writeState(1_100 + wait).ok, true);
  // No confirmation for a lease: fenced, though nobody said otherwise.
  const lapsed = lease.writeState(5_000 + 3_000);
  assert.equal(!lapsed.ok && lapsed.reason, 'lease-expired');
});

test('a majority naming the other region fences at once', () => {
  const lease = new RegionWriteLease(config);
  lease.onPoll(0, 10, [a(1), a(1), a(1)]);
  lease.onPoll(5_000, 5_010, [a(1), a(1), a(1)]);
  assert.equal(lease.writeState(5_020).ok, true);
  lease.onPoll(5_500, 5_600, [b(2), b(2), a(1)]);
  const state = lease.writeState(5_601);
  assert.equal(!state.ok && state.reason, 'passive');
  assert.equal(lease.role(), 'passive');
});

test('coming back after another region held a generation waits again; a direct successor naming us does not', () => {
  const lease = new RegionWriteLease(config);
  lease.onPoll(0, 10, [a(1), a(1), a(1)]);
  lease.onPoll(4_000, 4_010, [a(2), a(2), a(2)]);
  assert.equal(lease.writeState(4_020).ok, true, 'generation 2 follows generation 1, both ours');
  lease.onPoll(5_000, 5_010, [b(3), b(3), b(3)]);
  lease.onPoll(6_000, 6_010, [a(4), a(4), a(4)]);
  const state = lease.writeState(6_020);
  assert.equal(!state.ok && state.reason, 'waiting-out-previous-lease');
});

test('config is checked', () => {
  assert.throws(() => new RegionWriteLease({ ...config, leaseMs: 0 }), /leaseMs/);
  assert.throws(() => new RegionWriteLease({ ...config, clockRateErrorMax: 0.6 }), /clockRateErrorMax/);
});
