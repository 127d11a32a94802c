// Failover of the slices a down node held, computed inside the apply of `node.down` so the
// promotion and the node's state change are one Raft entry (no window where the node is down
// but still primary). Deterministic: the same state gives the same changes on every replica.
//
// Rules (DESIGN.md §5): a primary on the down node is replaced by its secondary only when that
// secondary is in the in-sync set (never promote a copy that may miss acknowledged writes); a
// slice whose every in-sync copy is down keeps its map and is unavailable until one returns.
// Each touched slice gets a new secondary on another up node (least-loaded first) that is NOT
// in the in-sync set yet: its primary rebuilds it and then asks the controller to add it.

import type { ClusterTopology } from '../topology/topology';
import type { ContainerRecord, NodeAdminState, SliceEntry } from './state';

export interface FailoverSummary {
  readonly promoted: number;
  readonly secondariesReplaced: number;
  readonly unavailable: number;
}

function vnNodeIndex(topology: ClusterTopology): Map<string, string> {
  const index = new Map<string, string>();
  for (const node of topology.nodes) for (const vn of node.vns) index.set(vn.id, node.id);
  return index;
}

/** Chooses a secondary for `primary`: an up VN on another node with the fewest secondaries. */
export function chooseSecondary(
  primary: string,
  upVns: readonly string[],
  vnNode: ReadonlyMap<string, string>,
  secondaryCounts: Map<string, number>,
): string {
  const primaryNode = vnNode.get(primary);
  let best = '';
  let bestCount = Number.POSITIVE_INFINITY;
  for (const vn of upVns) {
    if (vnNode.get(vn) === primaryNode) continue;
    const count = secondaryCounts.get(vn) ?? 0;
    if (count < bestCount) {
      best = vn;
      bestCount = count;
    }
  }
  if (best !== '') secondaryCounts.set(best, bestCount + 1);
  return best;
}

export function failoverContainer(
  container: ContainerRecord,
  topology: ClusterTopology,
  nodeStates: Readonly<Record<string, NodeAdminState>>,
  /** Canary (test only): promote the secondary even when it is not in the in-sync set. */
  promoteOutOfSync = false,
): { readonly container: ContainerRecord; readonly summary: FailoverSummary } {
  const vnNode = vnNodeIndex(topology);
  const isUp = (vn: string): boolean => vn !== '' && nodeStates[vnNode.get(vn) ?? ''] === 'up';
  const upVns = [...vnNode.keys()].filter(isUp).sort();
  const secondaryCounts = new Map<string, number>();
  for (const s of container.slices) if (isUp(s.secondary)) secondaryCounts.set(s.secondary, (secondaryCounts.get(s.secondary) ?? 0) + 1);
  let promoted = 0;
  let secondariesReplaced = 0;
  let unavailable = 0;
  const slices = container.slices.map((slice): SliceEntry => {
    const primaryUp = isUp(slice.primary);
    const secondaryUp = isUp(slice.secondary);
    if (primaryUp && secondaryUp) return slice;
    if (primaryUp && slice.secondary === '') {
      // A slice left without a secondary (no node was free) gets one as soon as a node is up.
      const secondary = chooseSecondary(slice.primary, upVns, vnNode, secondaryCounts);
      if (secondary === '') return slice;
      secondariesReplaced++;
      return { primary: slice.primary, secondary, epoch: slice.epoch + 1, inSync: [slice.primary] };
    }
    let primary = slice.primary;
    if (!primaryUp) {
      if (!secondaryUp || (!slice.inSync.includes(slice.secondary) && !promoteOutOfSync)) {
        unavailable++;
        return slice;
      }
      primary = slice.secondary;
      promoted++;
    }
    const secondary = chooseSecondary(primary, upVns, vnNode, secondaryCounts);
    if (secondary !== '') secondariesReplaced++;
    return { primary, secondary, epoch: slice.epoch + 1, inSync: [primary] };
  });
  return {
    container: slices.some((s, i) => s !== container.slices[i]) ? { ...container, slices, mapEpoch: container.mapEpoch + 1 } : container,
    summary: { promoted, secondariesReplaced, unavailable },
  };
}
