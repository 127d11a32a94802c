// How good a map is, and how much changed between two maps: what the property tests assert,
// the bench reports and the console shows.

import { pairShareBound } from './bounds';
import { maxVnsPerNode } from './operations';
import type { PlacementVn, SliceMap } from './types';

export interface MapMetrics {
  readonly sliceCount: number;
  readonly vnCount: number;
  readonly primariesMin: number;
  readonly primariesMax: number;
  readonly secondariesMin: number;
  readonly secondariesMax: number;
  /** Largest number of slices one ordered (primary VN, secondary VN) pair shares. */
  readonly pairShareMax: number;
  readonly pairShareBound: number;
  /**
   * Whether every node has the same number of VNs. The pair bound is exact for such topologies;
   * after losing a single VN (a drive) the smaller node's VNs cap their partners' spread, so the
   * reachable maximum can exceed it by a few slices (see docs/PLACEMENT.md).
   */
  readonly homogeneous: boolean;
  /** Fewest distinct secondary partners any VN's primaries have: how many peers a rebuild draws on. */
  readonly peersMin: number;
  /** Slices with both copies on one node (must be 0). */
  readonly sameNodeSlices: number;
  /** Slices whose roles name a VN that is not in the topology (must be 0). */
  readonly unknownVnSlices: number;
}

export function metrics(vns: readonly PlacementVn[], map: SliceMap): MapMetrics {
  const node = new Map(vns.map((v) => [v.id, v.nodeId]));
  const primaries = new Map(vns.map((v) => [v.id, 0]));
  const secondaries = new Map(vns.map((v) => [v.id, 0]));
  const pairs = new Map<string, number>();
  const peers = new Map(vns.map((v) => [v.id, new Set<string>()]));
  let sameNodeSlices = 0;
  let unknownVnSlices = 0;
  for (const { primary, secondary } of map) {
    if (!node.has(primary) || !node.has(secondary)) {
      unknownVnSlices++;
      continue;
    }
    if (node.get(primary) === node.get(secondary)) sameNodeSlices++;
    primaries.set(primary, (primaries.get(primary) ?? 0) + 1);
    secondaries.set(secondary, (secondaries.get(secondary) ?? 0) + 1);
    const key = `${primary}>${secondary}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
    peers.get(primary)?.add(secondary);
  }
  const p = [...primaries.values()];
  const s = [...secondaries.values()];
  return {
    sliceCount: map.length,
    vnCount: vns.length,
    primariesMin: Math.min(...p),
    primariesMax: Math.max(...p),
    secondariesMin: Math.min(...s),
    secondariesMax: Math.max(...s),
    pairShareMax: Math.max(0, ...pairs.values()),
    pairShareBound: pairShareBound(map.length, vns.length, maxVnsPerNode(vns)),
    homogeneous: new Set([...vns.reduce((m, v) => m.set(v.nodeId, (m.get(v.nodeId) ?? 0) + 1), new Map<string, number>()).values()]).size === 1,
    peersMin: Math.min(...[...peers.values()].map((set) => set.size)),
    sameNodeSlices,
    unknownVnSlices,
  };
}

export interface MoveCount {
  /** (slice, role) pairs whose VN changed. */
  readonly roleChanges: number;
  /** Copies that must be built on a VN that held no copy of the slice before (data to move). */
  readonly copiesMoved: number;
  /** For scale-out: the roles the new VNs must hold at fair share (the least any scheme moves). */
  readonly idealRoleChanges: number;
}

export function moves(before: SliceMap, after: SliceMap, addedVnIds: readonly string[] = []): MoveCount {
  let roleChanges = 0;
  let copiesMoved = 0;
  const added = new Set(addedVnIds);
  let idealRoleChanges = 0;
  after.forEach((roles, slice) => {
    const old = before[slice];
    if (old === undefined) return;
    if (old.primary !== roles.primary) roleChanges++;
    if (old.secondary !== roles.secondary) roleChanges++;
    const hadCopy = (vn: string): boolean => vn === old.primary || vn === old.secondary;
    if (!hadCopy(roles.primary)) copiesMoved++;
    if (!hadCopy(roles.secondary)) copiesMoved++;
    if (added.has(roles.primary)) idealRoleChanges++;
    if (added.has(roles.secondary)) idealRoleChanges++;
  });
  return { roleChanges, copiesMoved, idealRoleChanges };
}
