import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitoredTimers, SelfPauseMonitor, TIMER_LATENESS_TOLERANCE_MS } from './self-pause';
import { PeerLiveness } from './peer-liveness';
import type { TimerId, Timers } from '../runtime/runtime';

test('the responsive clock leaves out the time the node was paused, counting overlapping lateness once', () => {
  const monitor = new SelfPauseMonitor();
  assert.equal(monitor.responsiveMs(1_000), 1_000);
  // Three timers due at 1000, 1020 and 1100 all run at 4000, in any order: one 3 s pause.
  monitor.timerRan(1_100, 4_000);
  monitor.timerRan(1_000, 4_000);
  monitor.timerRan(1_020, 4_000);
  assert.equal(monitor.responsiveMs(4_000), 1_000);
  assert.deepEqual(monitor.lastPause(100), { fromMs: 1_000, toMs: 4_000 });
  // Jitter is not a pause.
  monitor.timerRan(5_000, 5_000 + TIMER_LATENESS_TOLERANCE_MS - 1);
  assert.equal(monitor.responsiveMs(6_000), 3_000);
  // A second, separate pause adds up; the last pause of at least 1 s is still the first.
  monitor.timerRan(70_000, 70_500);
  assert.equal(monitor.responsiveMs(70_500), 67_000);
  assert.deepEqual(monitor.lastPause(100), { fromMs: 70_000, toMs: 70_500 });
  assert.deepEqual(monitor.lastPause(1_000), { fromMs: 1_000, toMs: 4_000 });
});

test('monitored timers report their lateness before their callback runs', () => {
  let nowMs = 0;
  const pending = new Map<TimerId, { atMs: number; callback: () => void }>();
  let nextId = 1;
  const timers: Timers = {
    schedule: (delayMs, callback) => { pending.set(nextId, { atMs: nowMs + delayMs, callback }); return nextId++; },
    cancel: (id) => { pending.delete(id); },
  };
  const monitor = new SelfPauseMonitor();
  const monitored = monitoredTimers(timers, { nowMs: () => nowMs }, monitor);
  const seen: number[] = [];
  monitored.schedule(100, () => seen.push(monitor.responsiveMs(nowMs)));
  const cancelled = monitored.schedule(100, () => seen.push(-1));
  monitored.cancel(cancelled);
  nowMs = 2_100; // the process was stopped from 100 to 2100
  for (const { callback } of pending.values()) callback();
  assert.deepEqual(seen, [100]);
});

test('a peer is silent only for the responsive time since it was heard', () => {
  const liveness = new PeerLiveness(['node-2']);
  liveness.heard('node-2', { nowMs: 1_000, responsiveMs: 1_000 });
  // 3 s later, 2.9 s of which this node was paused: silent for 100 ms, still up.
  const at = { nowMs: 4_000, responsiveMs: 1_100 };
  assert.equal(liveness.silentForMs('node-2', at), 100);
  assert.equal(liveness.isUp('node-2', at, 1_000), true);
  assert.equal(liveness.isUp('node-2', { nowMs: 4_000, responsiveMs: 2_001 }, 1_000), false);
  assert.deepEqual(liveness.views(), [{ nodeId: 'node-2', lastHeardAtMs: 1_000 }]);
  assert.equal(liveness.silentForMs('node-3', at), null);
});
