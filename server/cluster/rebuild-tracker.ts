// Measures re-protection windows on the running cluster: from the moment slices drop to one
// copy (a node or drive lost) until every slice has two in-sync copies again. This is the
// rebuild time the MTTDL estimate needs (docs/DESIGN.md §7): the window in which a second failure
// would lose data. Measured on the monotonic clock; the cause is the newest failure event.

import type { ControllerState } from '../../engine/controller/state';

/** Windows kept for the console. */
export const REBUILDS_RETAINED_MAX = 20;

export interface RebuildWindow {
  readonly cause: string;
  readonly startedAtWallMs: number;
  /** Null while the window is open. */
  readonly durationMs: number | null;
  /** Most slices with fewer than two copies during the window. */
  readonly slicesDegradedMax: number;
}

const CAUSE_CODES = new Set(['drive.failed', 'node.down', 'node.offline', 'slice.failover']);

export class RebuildTracker {
  private open: { cause: string; startedAtMs: number; startedAtWallMs: number; slicesDegradedMax: number } | undefined;
  private readonly done: RebuildWindow[] = [];

  observe(state: ControllerState, counts: { readonly slicesOneCopy: number; readonly slicesNoCopy: number }): void {
    const degraded = counts.slicesOneCopy + counts.slicesNoCopy;
    const nowMs = performance.now();
    if (degraded > 0 && this.open === undefined) {
      const cause = [...state.events].reverse().find((e) => CAUSE_CODES.has(e.code));
      this.open = { cause: cause === undefined ? 'unknown' : `${cause.code} ${cause.subject.id}`, startedAtMs: nowMs, startedAtWallMs: Date.now(), slicesDegradedMax: degraded };
    } else if (this.open !== undefined) {
      this.open.slicesDegradedMax = Math.max(this.open.slicesDegradedMax, degraded);
      if (degraded === 0) {
        this.done.push({ cause: this.open.cause, startedAtWallMs: this.open.startedAtWallMs, durationMs: Math.round(nowMs - this.open.startedAtMs), slicesDegradedMax: this.open.slicesDegradedMax });
        if (this.done.length > REBUILDS_RETAINED_MAX) this.done.shift();
        this.open = undefined;
      }
    }
  }

  /** Newest first; an open window first of all. */
  windows(): RebuildWindow[] {
    const open: RebuildWindow[] = this.open === undefined ? [] : [{ cause: this.open.cause, startedAtWallMs: this.open.startedAtWallMs, durationMs: null, slicesDegradedMax: this.open.slicesDegradedMax }];
    return [...open, ...[...this.done].reverse()];
  }

  /** The longest finished window caused by a drive failure, else by any failure; null if none yet. */
  measuredRebuildMs(): { readonly durationMs: number; readonly cause: string } | null {
    const finished = this.done.filter((w) => w.durationMs !== null);
    const drives = finished.filter((w) => w.cause.startsWith('drive.'));
    const pool = drives.length > 0 ? drives : finished;
    if (pool.length === 0) return null;
    const longest = pool.reduce((a, b) => ((b.durationMs ?? 0) > (a.durationMs ?? 0) ? b : a));
    return { durationMs: longest.durationMs ?? 0, cause: longest.cause };
  }
}
