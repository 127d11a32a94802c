// The controller leader's failure detector: decides which nodes to declare down or up from how
// long ago this node last heard them, on its own monotonic clock.
//
// A newly elected leader waits a full failure-detection timeout before declaring anyone down:
// a node may have been heartbeating to the old leader, and its primary leases (docs/DESIGN.md §5)
// are only guaranteed expired once it has been silent that long from this leader's view too.

import type { NodeStateCommand } from './commands';
import type { ControllerState } from './state';

export interface LivenessView {
  /** ms since this node last heard `nodeId`, or null if never since it became leader. */
  silentForMs(nodeId: string): number | null;
}

export function failureDetectorDecisions(
  state: ControllerState,
  selfNodeId: string,
  leaderForMs: number,
  liveness: LivenessView,
  timeMs: number,
): NodeStateCommand[] {
  const timeoutMs = state.settings.failureDetectionTimeoutMs;
  const decisions: NodeStateCommand[] = [];
  for (const [nodeId, adminState] of Object.entries(state.nodeStates)) {
    if (nodeId === selfNodeId) {
      // The leader is alive by definition; if it was marked down earlier, mark it up.
      if (adminState === 'down') decisions.push({ type: 'node.up', nodeId, reason: 'it leads the controller', actor: 'system', timeMs });
      continue;
    }
    const silentMs = liveness.silentForMs(nodeId);
    const heardRecently = silentMs !== null && silentMs <= timeoutMs;
    if (adminState === 'up' && !heardRecently && leaderForMs > timeoutMs) {
      const what = silentMs === null ? `not heard for ${Math.round(leaderForMs)} ms` : `silent for ${Math.round(silentMs)} ms`;
      decisions.push({ type: 'node.down', nodeId, reason: `${what} (timeout ${timeoutMs} ms)`, actor: 'system', timeMs });
    } else if (adminState === 'down' && heardRecently) {
      decisions.push({ type: 'node.up', nodeId, reason: 'heartbeats resumed', actor: 'system', timeMs });
    }
  }
  return decisions;
}
