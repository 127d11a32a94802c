// Which nodes vote in the controller's Raft group as the cluster grows and shrinks (docs/DESIGN.md
// §4: 3 voters, 5 once the cluster has at least 5 nodes). One change at a time, run by the
// leader: a draining node gives up its vote before it leaves (a replacement is added first, so
// the group never shrinks below its size); the leader hands over leadership before its own
// removal. Nodes that are merely down keep their vote: they may come back, and removing voters
// automatically on silence is how clusters lose quorum for good.

import type { ControllerState } from './state';

export type VoterStep =
  | { readonly type: 'add-voter' | 'remove-voter'; readonly nodeId: string }
  | { readonly type: 'transfer-leadership'; readonly to: string };

/** Voters for a cluster of `nodeCount` serving nodes. */
export function desiredVoterCount(nodeCount: number): number {
  return nodeCount >= 5 ? 5 : Math.min(3, nodeCount);
}

/**
 * The next membership step, or null when the voters are as they should be. `voters`: the
 * leader's current configuration; `isLive(nodeId)`: heard within the failure-detection timeout.
 */
export function nextVoterStep(state: ControllerState, voters: readonly string[], selfId: string, isLive: (nodeId: string) => boolean): VoterStep | null {
  const inTopology = new Set(state.topology.nodes.map((n) => n.id));
  const staying = state.topology.nodes.map((n) => n.id).filter((id) => state.nodeStates[id] !== 'draining');
  const want = desiredVoterCount(staying.length);
  const leaving = voters.filter((id) => !inTopology.has(id) || state.nodeStates[id] === 'draining');
  const candidates = staying.filter((id) => !voters.includes(id) && state.nodeStates[id] === 'up' && (id === selfId || isLive(id))).sort();
  const keptVoters = voters.filter((id) => !leaving.includes(id));
  if (keptVoters.length < want && candidates[0] !== undefined) return { type: 'add-voter', nodeId: candidates[0] };
  const goner = leaving[0];
  // A leaving voter goes only once the group keeps its size without it (else wait for a
  // replacement to come up: a drained node's vote is cheaper than a smaller quorum).
  if (goner !== undefined && keptVoters.length >= want) {
    if (goner !== selfId) return { type: 'remove-voter', nodeId: goner };
    const successor = keptVoters.filter((id) => isLive(id)).sort()[0];
    return successor === undefined ? null : { type: 'transfer-leadership', to: successor };
  }
  return null;
}
