import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_CODES_MAX, eventsExportUrl, parseEventsUrl, utcMinuteToMs } from './events-url';

test('every filter of the URL becomes the server filter, times read as UTC', () => {
  const view = parseEventsUrl(new URLSearchParams('severity=warning,error&code=node,slice.failover&subject=node-2&from=2026-12-03T19:00&to=2026-12-03T20:00&q=%20down%20&cursor=12.3&live=1'));
  assert.deepEqual(view.filter, {
    severities: ['warning', 'error'], codes: ['node', 'slice.failover'], subjectId: 'node-2',
    fromMs: Date.UTC(2026, 11, 3, 19, 0), toMs: Date.UTC(2026, 11, 3, 20, 0) + 59_999, text: 'down',
  });
  assert.equal(view.cursor, '12.3');
  assert.equal(view.live, true);
  assert.deepEqual(view.problems, []);
});

test('an empty URL is the unfiltered newest page, not live', () => {
  assert.deepEqual(parseEventsUrl(new URLSearchParams('')), { filter: {}, cursor: null, live: false, problems: [] });
});

test('bad values are dropped and named, never sent to the server', () => {
  const codes = Array.from({ length: EVENT_CODES_MAX + 1 }, (_, i) => `c${i}`).join(',');
  const view = parseEventsUrl(new URLSearchParams(`severity=loud&from=yesterday&to=2026-13-40T99:99&code=${codes}&cursor=abc`));
  assert.deepEqual(view.filter.severities, undefined);
  assert.equal(view.filter.fromMs, undefined);
  assert.equal(view.filter.toMs, undefined);
  assert.equal(view.filter.codes?.length, EVENT_CODES_MAX);
  assert.equal(view.cursor, null);
  assert.ok(view.problems.some((p) => p.startsWith('severity:')));
  assert.ok(view.problems.some((p) => p.startsWith('from:')));
  assert.ok(view.problems.some((p) => p.startsWith('to:')));
  assert.ok(view.problems.some((p) => p.startsWith('code:')));
});

test('a range that ends before it starts is named', () => {
  const view = parseEventsUrl(new URLSearchParams('from=2026-12-03T20:00&to=2026-12-03T19:00'));
  assert.ok(view.problems.includes('from: must not be after to'));
  assert.equal(utcMinuteToMs('2026-12-03T20:00'), Date.UTC(2026, 11, 3, 20, 0));
  assert.equal(utcMinuteToMs('2026-12-03 20:00'), null);
});

test('the export URL carries the same filter and the format', () => {
  const url = eventsExportUrl({ severities: ['error'], subjectId: 'node-1' }, 'csv');
  const input = JSON.parse(decodeURIComponent(url.split('input=')[1] ?? '')) as Record<string, unknown>;
  assert.deepEqual(input, { severities: ['error'], subjectId: 'node-1', format: 'csv' });
});
