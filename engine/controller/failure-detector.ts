// The controller leader's failure detector: decides which nodes to declare down or up from how
// long ago this node last heard them, on its own clocks.
//
// A newly elected leader waits a full failure-detection timeout before declaring anyone down:
// a node may have been heartbeating to the old leader, and its primary leases (docs/DESIGN.md §5)
// are only guaranteed expired once it has been silent that long from this leader's view too.
//
// A dead peer, not a slow self. Silence and leadership are counted in the leader's *responsive*
// time (engine/node/self-pause.ts): its monotonic time minus the time it was itself paused (a
// stalled event loop, a stopped process). A peer is declared down only once it has been silent
// for the timeout while the leader was running, and not within a short grace after the leader's
// own pause, so heartbeats queued meanwhile are delivered first. One process hosts every node of
// the embedded cluster: without this, a 1.5 s stall made every peer look dead to a leader that
// had slept through the same 1.5 s.
//
// Why leases stay safe: responsive time never runs faster than monotonic time, so a node is
// declared down only after at least the same monotonic silence T as before (T > lease L), and
// the grace only delays further. The controller can only wait longer, never promote sooner. A
// lease is timed by its holder on its own clock from the moment it sent the request, whatever the
// leader does, so a paused primary's lease has run out when it resumes; and the leader stops
// granting leases to a node as soon as it proposes it down. A real failure is still found: at
// most the timeout (plus the grace) after the leader runs again.

import type { NodeStateCommand } from './commands';
import type { ControllerState } from './state';

/** After its own pause, the leader waits this many heartbeat intervals before declaring anyone down. */
export const POST_PAUSE_GRACE_HEARTBEATS = 2;

export interface LivenessView {
  /** Responsive ms since this node last heard `nodeId`, or null if never since it became leader. */
  silentForMs(nodeId: string): number | null;
}

export interface LeaderResponsiveness {
  /** How long this node has led, in responsive time. */
  readonly leaderForMs: number;
  /** Monotonic ms since this node's last own pause of at least a heartbeat interval ended; null if none. */
  readonly sinceOwnPauseMs: number | null;
  readonly heartbeatIntervalMs: number;
}

export function failureDetectorDecisions(
  state: ControllerState,
  selfNodeId: string,
  leader: LeaderResponsiveness,
  liveness: LivenessView,
  timeMs: number,
): NodeStateCommand[] {
  const timeoutMs = state.settings.failureDetectionTimeoutMs;
  const inGrace = leader.sinceOwnPauseMs !== null && leader.sinceOwnPauseMs < POST_PAUSE_GRACE_HEARTBEATS * leader.heartbeatIntervalMs;
  const mayDeclareDown = leader.leaderForMs > timeoutMs && !inGrace;
  const decisions: NodeStateCommand[] = [];
  for (const [nodeId, adminState] of Object.entries(state.nodeStates)) {
    if (nodeId === selfNodeId) {
      // The leader is alive by definition; if it was marked down earlier, mark it up.
      if (adminState === 'down') decisions.push({ type: 'node.up', nodeId, reason: 'it leads the controller', actor: 'system', timeMs });
      continue;
    }
    const silentMs = liveness.silentForMs(nodeId);
    const heardRecently = silentMs !== null && silentMs <= timeoutMs;
    if (adminState === 'up' && !heardRecently && mayDeclareDown) {
      const what = silentMs === null ? `not heard for ${Math.round(leader.leaderForMs)} ms` : `silent for ${Math.round(silentMs)} ms`;
      decisions.push({ type: 'node.down', nodeId, reason: `${what} (timeout ${timeoutMs} ms, leader's own pauses not counted)`, actor: 'system', timeMs });
    } else if (adminState === 'down' && heardRecently) {
      decisions.push({ type: 'node.up', nodeId, reason: 'heartbeats resumed', actor: 'system', timeMs });
    }
  }
  return decisions;
}
