// The placement operations: a fresh map, and new maps after scale-out, failure or decommission.
// All are the same balancing engine started from a different assignment, so every result meets
// the same goals (see balance.ts and docs/PLACEMENT.md).

import { Assignment } from './assignment';
import { balance } from './balance';
import { pairShareBound } from './bounds';
import { reprotect } from './reprotect';
import { checkPlacementInput, PLACEMENT_VERSION_CURRENT, PlacementError, type PlacementVersion, type PlacementVn, type SliceMap } from './types';

export function maxVnsPerNode(vns: readonly PlacementVn[]): number {
  const perNode = new Map<string, number>();
  for (const vn of vns) perNode.set(vn.nodeId, (perNode.get(vn.nodeId) ?? 0) + 1);
  return Math.max(0, ...perNode.values());
}

function rebalanced(vns: readonly PlacementVn[], a: Assignment): SliceMap {
  const pairBound = pairShareBound(a.sliceCount, vns.length, maxVnsPerNode(vns));
  balance(a, pairBound, a.version >= 2 ? reprotect(a, pairBound) : undefined);
  return a.toMap();
}

/** A balanced map of `sliceCount` slices over `vns`. */
export function initialMap(vns: readonly PlacementVn[], sliceCount: number, version: PlacementVersion = PLACEMENT_VERSION_CURRENT): SliceMap {
  checkPlacementInput(vns, sliceCount);
  return rebalanced(vns, new Assignment(vns, sliceCount, version));
}

/** The map after adding `added` VNs (one or more new nodes), moving as few roles as possible. */
export function scaleOut(vns: readonly PlacementVn[], map: SliceMap, added: readonly PlacementVn[]): SliceMap {
  const all = [...vns, ...added];
  checkPlacementInput(all, map.length);
  const known = new Set(vns.map((v) => v.nodeId));
  for (const vn of added) if (known.has(vn.nodeId)) throw new PlacementError(`added: VN ${vn.id} is on existing node ${vn.nodeId}; scale-out adds whole nodes`);
  return rebalanced(all, Assignment.fromMap(all, map));
}

/**
 * The map after losing VNs (a failed drive or node): their primaries are promoted on their
 * secondaries first (no data moves), then new secondaries are chosen and roles rebalanced over
 * the survivors.
 */
export function failover(vns: readonly PlacementVn[], map: SliceMap, lostVnIds: readonly string[]): SliceMap {
  const lost = new Set(lostVnIds);
  for (const id of lost) if (!vns.some((v) => v.id === id)) throw new PlacementError(`lost: no VN ${id}`);
  const survivors = vns.filter((v) => !lost.has(v.id));
  checkPlacementInput(survivors, map.length);
  return rebalanced(survivors, Assignment.fromMap(survivors, map));
}

/**
 * A balanced map over `vns` that keeps as many of `map`'s roles as it can: roles on VNs outside
 * `vns` are reassigned, new VNs get their fair share. The general form of scale-out,
 * decommission and the rebalance after a drive replacement.
 */
export function rebalance(vns: readonly PlacementVn[], map: SliceMap, version: PlacementVersion = PLACEMENT_VERSION_CURRENT): SliceMap {
  checkPlacementInput(vns, map.length);
  return rebalanced(vns, Assignment.fromMap(vns, map, version));
}

/** The map after removing a node on purpose (drained before removal). */
export function decommission(vns: readonly PlacementVn[], map: SliceMap, nodeId: string): SliceMap {
  const leaving = vns.filter((v) => v.nodeId === nodeId).map((v) => v.id);
  if (leaving.length === 0) throw new PlacementError(`node: no node ${nodeId}`);
  return failover(vns, map, leaving);
}
