// Scale-out's request: checked against named limits, and turned into the specs of the new nodes.
// Ids never repeat one the cluster has, had (retired) or is adding right now.

import { buildNodeSpec, nextNodeIds, TOPOLOGY_LIMITS, type ClusterTopology, type NodeSpec } from '../topology/topology';
import type { ClusterMembership } from './cluster-host';

/** Nodes one scale-out may add. */
export const SCALE_OUT_NODES_MAX = 16;

export interface ScaleOutShape {
  readonly nodes: number;
  readonly vnsPerNode: number;
  readonly drivesPerNode: number;
  readonly driveCapacityBytes: number;
}

/** Why the request is invalid (naming the field and the limit), or null. */
export function scaleOutShapeProblem(shape: ScaleOutShape): string | null {
  const L = TOPOLOGY_LIMITS;
  if (!Number.isInteger(shape.nodes) || shape.nodes < 1 || shape.nodes > SCALE_OUT_NODES_MAX) return `nodes: must be an integer in 1..${SCALE_OUT_NODES_MAX} (found ${shape.nodes})`;
  if (!Number.isInteger(shape.vnsPerNode) || shape.vnsPerNode < L.vnsPerNodeMin || shape.vnsPerNode > L.vnsPerNodeMax) return `vnsPerNode: must be an integer in ${L.vnsPerNodeMin}..${L.vnsPerNodeMax} (found ${shape.vnsPerNode})`;
  if (!Number.isInteger(shape.drivesPerNode) || shape.drivesPerNode < L.drivesPerNodeMin || shape.drivesPerNode > L.drivesPerNodeMax) return `drivesPerNode: must be an integer in ${L.drivesPerNodeMin}..${L.drivesPerNodeMax} (found ${shape.drivesPerNode})`;
  return null;
}

/** The new nodes' specs: ids after every id in use, retired or being added. */
export function scaleOutSpecs(committed: ClusterTopology, membership: ClusterMembership, adding: readonly NodeSpec[], shape: ScaleOutShape): NodeSpec[] {
  const used = [...committed.nodes, ...membership.topology.nodes, ...adding].map((n) => n.id).concat(membership.retiredNodeIds);
  return nextNodeIds(used, shape.nodes).map((id) => buildNodeSpec(id, shape));
}
