// The simulator's agenda: callbacks ordered by virtual time, ties broken by insertion order, so
// a run is a pure function of its seed.

import { assert } from '../util/assert';

interface ScheduledEvent {
  readonly atMs: number;
  readonly sequence: number;
  readonly run: () => void;
  cancelled: boolean;
}

export interface EventHandle {
  cancel(): void;
}

/** A binary min-heap of events keyed by (atMs, sequence). */
export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private nextSequence = 0;
  private currentMs = 0;

  nowMs(): number {
    return this.currentMs;
  }

  get pendingCount(): number {
    return this.heap.length;
  }

  schedule(atMs: number, run: () => void): EventHandle {
    assert(Number.isFinite(atMs), `event time must be finite, got ${atMs}`);
    const event: ScheduledEvent = { atMs: Math.max(atMs, this.currentMs), sequence: this.nextSequence++, run, cancelled: false };
    this.push(event);
    return { cancel: () => { event.cancelled = true; } };
  }

  /** Runs the earliest event if it is due at or before `limitMs`; returns false when none is. */
  runNext(limitMs: number): boolean {
    for (;;) {
      const head = this.heap[0];
      if (head === undefined || head.atMs > limitMs) return false;
      this.pop();
      if (head.cancelled) continue;
      this.currentMs = head.atMs;
      head.run();
      return true;
    }
  }

  /** Advances virtual time to `limitMs`, running every event due by then. Returns events run. */
  runUntil(limitMs: number, maxEvents = Number.MAX_SAFE_INTEGER): number {
    let count = 0;
    while (count < maxEvents && this.runNext(limitMs)) count++;
    if (count < maxEvents) this.currentMs = Math.max(this.currentMs, limitMs);
    return count;
  }

  private less(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.sequence < b.sequence);
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.less(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.less(heap[right]!, heap[left]!)) child = right;
      if (!this.less(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
