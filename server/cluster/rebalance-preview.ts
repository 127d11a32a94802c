// What a rebalance would do, before the operator confirms it: the same apply the controller
// runs, on a copy of the committed state, so the preview's moves are the ones it would plan.
import { applyCommand } from '../../engine/controller/apply';
import type { ControllerState } from '../../engine/controller/state';
import { makeControllerWiring } from './wiring';

export interface RebalancePreview {
  readonly plannedMoves: number;
  readonly idealMoves: number;
  /** Why it cannot start now (an operation running, the cluster offline), or null. */
  readonly problem: string | null;
  /** True when the map is already balanced: the rebalance would finish at once. */
  readonly balanced: boolean;
}

export function previewRebalance(state: ControllerState, timeMs: number): RebalancePreview {
  const outcome = applyCommand(state, { type: 'rebalance.start', actor: 'preview', timeMs, reason: 'preview' }, state.appliedIndex + 1, makeControllerWiring(state.settings.heartbeatIntervalMs).placement);
  const op = outcome.state.operations[outcome.state.operations.length - 1];
  if (!outcome.result.ok || op === undefined || op === state.operations[state.operations.length - 1]) {
    return { plannedMoves: 0, idealMoves: 0, problem: outcome.result.ok ? 'no plan' : outcome.result.message, balanced: false };
  }
  return { plannedMoves: op.plannedMoves, idealMoves: op.idealMoves, problem: null, balanced: op.state === 'done' };
}
