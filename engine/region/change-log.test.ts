import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeApplier, type AppliedBatch } from './change-applier';
import { ChangeLog } from './change-log';

test('positions are per slice and contiguous; a stale reader resumes after what was acknowledged; only dropped records make a gap', () => {
  const log = new ChangeLog(10 * 80);
  for (let i = 1; i <= 5; i++) log.append(1, `k${i}`, 1, Uint8Array.of(i), i);
  log.append(2, 'x', 1, null, 6);
  assert.equal(log.head(1), 5);
  assert.equal(log.head(2), 1);
  log.trim(1, 3);
  const stale = log.read(1, 1);
  assert.deepEqual(stale.kind === 'records' && stale.records.map((r) => r.position), [4, 5], 'position 1 is stale: 2..3 were acknowledged');
  for (let i = 6; i <= 40; i++) log.append(1, `k${i}`, 1, Uint8Array.of(i), i);
  assert.ok(log.stats().droppedRecords > 0);
  const gap = log.read(1, 5);
  assert.equal(gap.kind, 'gap');
});

test('the applier applies once, in order, refuses a hole, and keeps only the last write of a key per batch', () => {
  const batches: AppliedBatch[] = [];
  const positions = new Map<number, number>();
  const applier = new ChangeApplier({ appliedPosition: (s) => positions.get(s) ?? 0, commit: (b) => { batches.push(b); positions.set(b.slice, b.appliedPosition); } });
  const log = new ChangeLog();
  log.append(0, 'a', 1, Uint8Array.of(1), 0);
  log.append(0, 'a', 2, Uint8Array.of(2), 0);
  log.append(0, 'b', 1, null, 0);
  const all = log.read(0, 0);
  assert.ok(all.kind === 'records');
  assert.deepEqual(applier.apply(0, all.records), { kind: 'applied', appliedPosition: 3, records: 3, skipped: 0 });
  assert.deepEqual(batches[0]?.puts.map((p) => p.version), [2]);
  assert.deepEqual(batches[0].deletes, ['b']);
  assert.deepEqual(applier.apply(0, all.records), { kind: 'applied', appliedPosition: 3, records: 0, skipped: 3 }, 'a resend changes nothing');
  log.append(0, 'c', 1, Uint8Array.of(3), 0);
  log.append(0, 'd', 1, Uint8Array.of(4), 0);
  const later = log.read(0, 4);
  assert.ok(later.kind === 'records');
  assert.deepEqual(applier.apply(0, later.records), { kind: 'hole', appliedPosition: 3, firstOffered: 5 });
});
