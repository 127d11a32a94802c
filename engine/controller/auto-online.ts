// Auto-online: an offline cluster tries to return online after the auto-online timeout
// (cluster.yml, default 600 s; 0 disables), then again after each further timeout while it
// fails. The attempt checks that the controller has quorum (the leader runs this, so it has)
// and that every slice still has an in-sync copy on a node that is up. It never changes
// degraded/healthy: only availability.

import type { AutoOnlineFailedCommand, ClusterAvailabilityCommand } from './commands';
import type { ControllerState } from './state';
import { stateVnHealth } from './vn-health';

/** Why the cluster cannot serve every slice, or null when it can. */
export function sliceAvailabilityProblem(state: ControllerState): string | null {
  const health = stateVnHealth(state);
  let missing = 0;
  let example: string | null = null;
  for (const container of Object.values(state.containers)) {
    for (let index = 0; index < container.slices.length; index++) {
      const slice = container.slices[index];
      const available = slice?.inSync.some((vn) => health.serving(vn)) === true;
      if (!available) {
        missing++;
        example ??= `${container.name}/${index}`;
      }
    }
  }
  return missing === 0 ? null : `${missing} slice${missing === 1 ? ' has' : 's have'} no available copy (e.g. ${example ?? '?'})`;
}

/**
 * The leader's decision, given how long it has seen the cluster offline on its own monotonic
 * clock (a new leader starts counting afresh, which only delays an attempt) and when it last
 * attempted. Returns the command to propose, or null when it is not time yet.
 */
export function autoOnlineDecision(
  state: ControllerState,
  offlineObservedForMs: number,
  sinceLastAttemptMs: number | null,
  timeMs: number,
): ClusterAvailabilityCommand | AutoOnlineFailedCommand | null {
  if (state.availability !== 'offline') return null;
  const timeoutMs = state.settings.autoOnlineTimeoutSeconds * 1000;
  if (timeoutMs === 0) return null;
  if (offlineObservedForMs < timeoutMs) return null;
  if (sinceLastAttemptMs !== null && sinceLastAttemptMs < timeoutMs) return null;
  const problem = sliceAvailabilityProblem(state);
  if (problem !== null) return { type: 'cluster.auto-online.failed', reason: problem, actor: 'system', timeMs };
  return { type: 'cluster.online', reason: `auto-online after ${state.settings.autoOnlineTimeoutSeconds} s offline`, actor: 'system', timeMs };
}
