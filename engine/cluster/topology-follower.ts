// Following the committed topology: the process runs exactly the nodes the controller committed.
// It starts a node a scale-out added (also one whose start was interrupted by a crash), stops a
// node a finished decommission removed, and keeps the membership (the server's manifest) in step
// so a restart opens the same nodes. Nodes held down on purpose (a drill, a simulated crash) stay
// down. Pure: the orchestrator carries the plan out.

import type { ControllerState } from '../controller/state';
import type { ClusterMembership } from './cluster-host';

/** How often the process checks that the nodes it runs match the committed topology. */
export const TOPOLOGY_FOLLOW_MS = 250;

export interface TopologyFollowPlan {
  /** Committed nodes this process does not run (and nobody holds down). */
  readonly start: readonly string[];
  /** Running nodes a finished decommission took out of the topology. */
  readonly stop: readonly string[];
  /** The membership to persist when the committed node list differs from it. */
  readonly membership: ClusterMembership | undefined;
}

const NOTHING: TopologyFollowPlan = { start: [], stop: [], membership: undefined };

export function planTopologyFollow(state: ControllerState, membership: ClusterMembership, running: ReadonlySet<string>, heldDown: ReadonlySet<string>): TopologyFollowPlan {
  if (state.clusterId !== membership.clusterId) return NOTHING;
  const committed = new Set(state.topology.nodes.map((n) => n.id));
  const start = state.topology.nodes.map((n) => n.id).filter((id) => !running.has(id) && !heldDown.has(id));
  // Only nodes a finished decommission took out: a node just added may not be committed yet.
  const decommissioned = new Set(state.operations.filter((op) => op.kind === 'decommission' && op.state === 'done').flatMap((op) => op.nodes));
  const stop = [...running].filter((id) => !committed.has(id) && decommissioned.has(id));
  const memberIds = membership.topology.nodes.map((n) => n.id);
  if (memberIds.join(',') === state.topology.nodes.map((n) => n.id).join(',')) return { start, stop, membership: undefined };
  const retired = new Set([...membership.retiredNodeIds, ...memberIds.filter((id) => !committed.has(id))]);
  return { start, stop, membership: { ...membership, topology: state.topology, retiredNodeIds: [...retired].sort() } };
}
