import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLoopMonitor, RECENT_STALL_WINDOW_MS, STALL_WARNING_INTERVAL_MS, STALL_WARNING_MS } from './event-loop-monitor';

test('the longest stall of the recent window, and every sample handed to the listeners', () => {
  const monitor = new EventLoopMonitor(() => undefined);
  const seen: number[] = [];
  monitor.onDelay((delayMs) => seen.push(delayMs));
  monitor.record(2, 1_000);
  monitor.record(1_483, 2_000);
  monitor.record(30, 3_000);
  assert.deepEqual(seen, [2, 1_483, 30]);
  assert.equal(monitor.longestRecentStallMs(3_000), 1_483);
  // Ten minutes later the 1.5 s stall has left the window.
  monitor.record(40, 2_000 + RECENT_STALL_WINDOW_MS + 60_000);
  assert.equal(monitor.longestRecentStallMs(2_000 + RECENT_STALL_WINDOW_MS + 60_000), 40);
});

test('a long stall is logged as a warning, at most once per interval, counting the ones left out', () => {
  const lines: string[] = [];
  const monitor = new EventLoopMonitor((line) => lines.push(line));
  monitor.record(STALL_WARNING_MS - 1, 1_000);
  assert.equal(lines.length, 0);
  monitor.record(1_483, 2_000);
  monitor.record(900, 3_000);
  monitor.record(700, 4_000);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^warning: the event loop stalled for 1483 ms/);
  monitor.record(600, 2_000 + STALL_WARNING_INTERVAL_MS);
  assert.equal(lines.length, 2);
  assert.match(lines[1] ?? '', /stalled for 600 ms.*2 more stalls over 500 ms/);
});
