// How long this node itself was not running: a stalled event loop, a long GC, a stopped process
// (SIGSTOP), a VM stall. One process hosts every node of an embedded cluster, so one stall makes
// every peer look silent to a judge that was itself asleep.
//
// Measured as the lateness of the node's own timers: a timer due at `dueMs` whose callback runs
// at `nowMs` > `dueMs` means the node ran none of its timers in [dueMs, nowMs]. Every timer of the
// node goes through `monitoredTimers`, so the first timer that runs after a stall, before any
// decision a timer drives, has already counted it.
//
// From these pauses the node keeps a *responsive clock*: its monotonic clock minus the time it
// was paused. Decisions taken from a peer's silence (the controller leader's failure detector, a
// primary giving up on its secondary) measure silence on it. It never runs faster than the
// monotonic clock, so such a decision can only come later than before, never sooner.

import type { MonotonicClock, NodeRuntime, TimerId, Timers } from '../runtime/runtime';

/** Lateness below this is scheduling jitter, not a pause (real timers fire a little late). */
export const TIMER_LATENESS_TOLERANCE_MS = 10;
/** Latest pauses kept apart (to merge overlapping lateness and find the last one); older ones only count in the total. */
export const RECENT_PAUSES_MAX = 32;

export interface SelfPause {
  /** When the pause began and ended, on the node's monotonic clock. */
  readonly fromMs: number;
  readonly toMs: number;
}

export class SelfPauseMonitor {
  private pausedTotalMs = 0;
  /** The latest pauses, disjoint and in order; older ones stay counted in the total. */
  private readonly recent: SelfPause[] = [];

  /**
   * A timer due at `dueMs` ran at `nowMs` (both on the node's monotonic clock). Timers that
   * waited out the same stall report overlapping spans, in any order of their due times: the
   * total counts their union, once.
   */
  timerRan(dueMs: number, nowMs: number): void {
    if (nowMs - dueMs < TIMER_LATENESS_TOLERANCE_MS) return;
    let fromMs = dueMs;
    // Every span so far ended at or before now: merge those that reach into this one.
    for (let last = this.recent.at(-1); last !== undefined && last.toMs >= fromMs; last = this.recent.at(-1)) {
      fromMs = Math.min(fromMs, last.fromMs);
      this.pausedTotalMs -= last.toMs - last.fromMs;
      this.recent.pop();
    }
    this.recent.push({ fromMs, toMs: nowMs });
    this.pausedTotalMs += nowMs - fromMs;
    if (this.recent.length > RECENT_PAUSES_MAX) this.recent.shift();
  }

  /** The responsive clock: `nowMs` minus every pause counted so far. */
  responsiveMs(nowMs: number): number {
    return nowMs - this.pausedTotalMs;
  }

  /** The last pause of at least `minPausedMs`, or undefined. */
  lastPause(minPausedMs: number): SelfPause | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const pause = this.recent[i];
      if (pause !== undefined && pause.toMs - pause.fromMs >= minPausedMs) return pause;
    }
    return undefined;
  }

}

/** `timers` whose callbacks first report their lateness to `monitor`. */
export function monitoredTimers(timers: Timers, clock: MonotonicClock, monitor: SelfPauseMonitor): Timers {
  return {
    schedule(delayMs: number, callback: () => void): TimerId {
      const dueMs = clock.nowMs() + delayMs;
      return timers.schedule(delayMs, () => {
        monitor.timerRan(dueMs, clock.nowMs());
        callback();
      });
    },
    cancel(timerId: TimerId): void {
      timers.cancel(timerId);
    },
  };
}

/** `runtime` with its timers monitored: what a node hands its controller and data plane. */
export function withPauseMonitor(runtime: NodeRuntime, monitor: SelfPauseMonitor): NodeRuntime {
  return {
    nodeId: runtime.nodeId,
    clock: runtime.clock,
    wallClock: runtime.wallClock,
    timers: monitoredTimers(runtime.timers, runtime.clock, monitor),
    random: runtime.random,
    transport: runtime.transport,
    systemStore: runtime.systemStore,
    driveStore: (driveId) => runtime.driveStore(driveId),
    log: runtime.log,
  };
}
