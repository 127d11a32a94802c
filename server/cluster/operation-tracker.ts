// Progress of long-running operations as operators see it: moves done out of planned, bytes
// copied and the copy rate, an ETA, and what is in flight or blocked. The plan and the moves
// come from the committed state; bytes and timing are measured in this process.

import { remainingCopies } from '../../engine/controller/migration-driver';
import type { ClusterOperation, ControllerState } from '../../engine/controller/state';

export interface OperationView {
  readonly id: string;
  readonly kind: ClusterOperation['kind'];
  readonly state: ClusterOperation['state'];
  readonly actor: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly nodes: readonly string[];
  readonly plannedMoves: number;
  readonly idealMoves: number;
  /** plannedMoves / idealMoves (1.000 is the least any balanced scheme moves); null without an ideal. */
  readonly movesRatio: number | null;
  readonly doneMoves: number;
  readonly remainingMoves: number;
  readonly percentDone: number;
  /** Slices being copied now and slices that cannot move now (the leader's view). */
  readonly copying: number | null;
  readonly blocked: number | null;
  readonly bytesCopied: number;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
  readonly message: string;
}

interface Baseline {
  readonly atMs: number;
  readonly bytes: number;
  endedAtMs: number | null;
  endBytes: number;
}

/** Operations measured by this process; older ones are forgotten. */
const BASELINES_MAX = 50;

export class OperationTracker {
  private readonly baselines = new Map<string, Baseline>();

  /** Called periodically with the cumulative bytes copied by every node of this process. */
  observe(state: ControllerState, copiedBytes: number): void {
    const nowMs = performance.now();
    for (const op of state.operations) {
      const known = this.baselines.get(op.id);
      if (known === undefined && op.state === 'running') this.baselines.set(op.id, { atMs: nowMs, bytes: copiedBytes, endedAtMs: null, endBytes: copiedBytes });
      if (known !== undefined && op.state !== 'running' && known.endedAtMs === null) {
        known.endedAtMs = nowMs;
        known.endBytes = copiedBytes;
      }
    }
    while (this.baselines.size > BASELINES_MAX) {
      const oldest = this.baselines.keys().next().value;
      if (oldest === undefined) break;
      this.baselines.delete(oldest);
    }
  }

  views(state: ControllerState, copiedBytes: number, progress: { readonly operationId: string; readonly copying: number; readonly blocked: number } | null): OperationView[] {
    const nowMs = performance.now();
    return [...state.operations].reverse().map((op) => {
      const left = op.state === 'running' ? remainingCopies(state, op) : op.state === 'done' ? 0 : Math.max(0, op.plannedMoves - 0);
      const done = op.state === 'done' ? op.plannedMoves : Math.max(0, op.plannedMoves - left);
      const baseline = this.baselines.get(op.id);
      const endMs = baseline?.endedAtMs ?? nowMs;
      const elapsedMs = baseline === undefined ? (op.finishedAtMs ?? Date.now()) - op.startedAtMs : endMs - baseline.atMs;
      const bytes = baseline === undefined ? 0 : (baseline.endedAtMs === null ? copiedBytes : baseline.endBytes) - baseline.bytes;
      const rate = elapsedMs > 0 ? bytes / (elapsedMs / 1000) : 0;
      const movesPerMs = elapsedMs > 0 ? done / elapsedMs : 0;
      const live = progress?.operationId === op.id && op.state === 'running';
      return {
        id: op.id, kind: op.kind, state: op.state, actor: op.actor,
        startedAt: new Date(op.startedAtMs).toISOString(), finishedAt: op.finishedAtMs === null ? null : new Date(op.finishedAtMs).toISOString(),
        nodes: op.nodes, plannedMoves: op.plannedMoves, idealMoves: op.idealMoves,
        movesRatio: op.idealMoves > 0 ? op.plannedMoves / op.idealMoves : null,
        doneMoves: done, remainingMoves: op.state === 'running' ? left : op.plannedMoves - done,
        percentDone: op.plannedMoves === 0 ? 100 : Math.min(100, (100 * done) / op.plannedMoves),
        copying: live ? progress.copying : null, blocked: live ? progress.blocked : null,
        bytesCopied: Math.max(0, bytes), bytesPerSecond: Math.max(0, rate),
        etaSeconds: op.state === 'running' && movesPerMs > 0 ? left / movesPerMs / 1000 : null,
        elapsedSeconds: Math.max(0, elapsedMs / 1000),
        message: op.message,
      };
    });
  }
}
