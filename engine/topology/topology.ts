// The physical shape of a cluster: nodes, each split into virtual nodes (VNs), each VN living on
// one NVMe drive of its node. Built from cluster.yml on first start, then persisted and owned by
// the cluster (a restart never re-derives it from the config file).

import { assert } from '../util/assert';

export interface DriveSpec {
  readonly id: string;
  readonly capacityBytes: number;
}

export interface VnSpec {
  /** Globally unique, e.g. "node-1/vn-0". */
  readonly id: string;
  readonly nodeId: string;
  readonly driveId: string;
}

export interface NodeSpec {
  readonly id: string;
  readonly failureDomain: string;
  readonly drives: readonly DriveSpec[];
  readonly vns: readonly VnSpec[];
}

export interface ClusterTopology {
  readonly nodes: readonly NodeSpec[];
}

export interface TopologyShape {
  readonly nodeCount: number;
  readonly vnsPerNode: number;
  readonly drivesPerNode: number;
  readonly driveCapacityBytes: number;
}

/** Limits of the shape, shared by config validation and the engine's own checks. */
export const TOPOLOGY_LIMITS = {
  nodeCountMin: 3,
  nodeCountMax: 64,
  vnsPerNodeMin: 1,
  vnsPerNodeMax: 16,
  drivesPerNodeMin: 1,
  drivesPerNodeMax: 16,
} as const;

export function nodeIdOf(index: number): string {
  return `node-${index + 1}`;
}

/**
 * Ids for `count` new nodes after every id ever used (a removed node's id is never reused: its
 * data directory may still exist).
 */
export function nextNodeIds(usedIds: readonly string[], count: number): string[] {
  let highest = 0;
  for (const id of usedIds) {
    const match = /^node-(\d+)$/.exec(id);
    if (match?.[1] !== undefined) highest = Math.max(highest, Number(match[1]));
  }
  return Array.from({ length: count }, (_, i) => nodeIdOf(highest + i));
}

/** Builds the specs of one node; VNs are spread over the node's drives round-robin. */
export function buildNodeSpec(nodeId: string, shape: Omit<TopologyShape, 'nodeCount'>): NodeSpec {
  const drives: DriveSpec[] = [];
  for (let d = 0; d < shape.drivesPerNode; d++) drives.push({ id: `${nodeId}/drive-${d}`, capacityBytes: shape.driveCapacityBytes });
  const vns: VnSpec[] = [];
  for (let v = 0; v < shape.vnsPerNode; v++) {
    const drive = drives[v % drives.length];
    assert(drive !== undefined, 'a node has at least one drive');
    vns.push({ id: `${nodeId}/vn-${v}`, nodeId, driveId: drive.id });
  }
  return { id: nodeId, failureDomain: nodeId, drives, vns };
}

export function buildTopology(shape: TopologyShape): ClusterTopology {
  checkShape(shape);
  const nodes: NodeSpec[] = [];
  for (let n = 0; n < shape.nodeCount; n++) nodes.push(buildNodeSpec(nodeIdOf(n), shape));
  return { nodes };
}

export function checkShape(shape: TopologyShape): void {
  const L = TOPOLOGY_LIMITS;
  const inRange = (name: string, value: number, min: number, max: number): void =>
    assert(Number.isInteger(value) && value >= min && value <= max, `${name} must be an integer in ${min}..${max}, got ${value}`);
  inRange('nodeCount', shape.nodeCount, L.nodeCountMin, L.nodeCountMax);
  inRange('vnsPerNode', shape.vnsPerNode, L.vnsPerNodeMin, L.vnsPerNodeMax);
  inRange('drivesPerNode', shape.drivesPerNode, L.drivesPerNodeMin, L.drivesPerNodeMax);
  assert(Number.isSafeInteger(shape.driveCapacityBytes) && shape.driveCapacityBytes > 0, `driveCapacityBytes must be a positive integer, got ${shape.driveCapacityBytes}`);
}

export function allVns(topology: ClusterTopology): VnSpec[] {
  return topology.nodes.flatMap((n) => n.vns);
}

export function allDrives(topology: ClusterTopology): DriveSpec[] {
  return topology.nodes.flatMap((n) => n.drives);
}
