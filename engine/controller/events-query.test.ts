import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ClusterEvent } from './events';
import { eventsToCsv, isoUtc, queryEvents } from './events-query';

function event(index: number, overrides: Partial<ClusterEvent> = {}): ClusterEvent {
  return { index, seq: 0, timeMs: 1_700_000_000_000 + index * 1000, severity: 'info', code: 'node.up', subject: { kind: 'node', id: 'node-1' }, message: `event ${index}`, actor: 'system', ...overrides };
}

const log: ClusterEvent[] = [
  event(1, { code: 'cluster.bootstrapped', subject: { kind: 'cluster', id: 'c1' } }),
  event(2, { severity: 'error', code: 'node.down', subject: { kind: 'node', id: 'node-2' }, message: 'node node-2 down: silent' }),
  event(3, { severity: 'critical', code: 'cluster.offline', message: 'cluster offline: operator, "drill"' }),
  event(4, { code: 'cluster.online' }),
  event(5, { code: 'node.up', subject: { kind: 'node', id: 'node-2' } }),
];

test('filters by severity, code prefix, subject, time range and text', () => {
  assert.deepEqual(queryEvents(log, { severities: ['error', 'critical'] }, 10, null).events.map((e) => e.index), [3, 2]);
  assert.deepEqual(queryEvents(log, { codes: ['cluster'] }, 10, null).events.map((e) => e.index), [4, 3, 1]);
  assert.deepEqual(queryEvents(log, { subjectId: 'node-2' }, 10, null).events.map((e) => e.index), [5, 2]);
  assert.deepEqual(queryEvents(log, { fromMs: log[1]!.timeMs, toMs: log[2]!.timeMs }, 10, null).events.map((e) => e.index), [3, 2]);
  assert.deepEqual(queryEvents(log, { text: 'SILENT' }, 10, null).events.map((e) => e.index), [2]);
});

test('paging walks every matching event exactly once, newest first', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 9 }), (count, pageSize) => {
    const events = Array.from({ length: count }, (_, i) => event(i + 1));
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const page = queryEvents(events, {}, pageSize, cursor);
      seen.push(...page.events.map((e) => e.index));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    assert.deepEqual(seen, events.map((e) => e.index).reverse());
  }), { numRuns: 200 });
});

test('times are ISO-8601 UTC, and CSV quotes commas and quotes', () => {
  assert.equal(isoUtc(0), '1970-01-01T00:00:00.000Z');
  assert.equal(isoUtc(951_782_400_000), '2000-02-29T00:00:00.000Z');
  fc.assert(fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
    assert.equal(isoUtc(ms), new Date(ms).toISOString());
  }), { numRuns: 2000 });
  const csv = eventsToCsv([log[2]!]);
  assert.match(csv, /^time_utc,index,severity,code,subject_kind,subject_id,actor,message\n/);
  assert.match(csv, /,"cluster offline: operator, ""drill"""\n$/);
});
