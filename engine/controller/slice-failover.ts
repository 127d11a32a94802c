// Failover of the slices a down node held, computed inside the apply of `node.down` so the
// promotion and the node's state change are one Raft entry (no window where the node is down
// but still primary). Deterministic: the same state gives the same changes on every replica.
//
// Rules (docs/DESIGN.md §5): a primary on the down node is replaced by its secondary only when that
// secondary is in the in-sync set (never promote a copy that may miss acknowledged writes); a
// slice whose every in-sync copy is down keeps its map and is unavailable until one returns.
// Each touched slice gets a new secondary on another up node (least-loaded first) that is NOT
// in the in-sync set yet: its primary rebuilds it and then asks the controller to add it.

import type { ContainerRecord, SliceEntry } from './state';
import type { VnHealth } from './vn-health';

export interface FailoverSummary {
  readonly promoted: number;
  readonly secondariesReplaced: number;
  readonly unavailable: number;
}

/** Chooses a secondary for `primary`: an eligible VN on another node with the fewest secondaries. */
export function chooseSecondary(
  primary: string,
  eligibleVns: readonly string[],
  health: VnHealth,
  secondaryCounts: Map<string, number>,
): string {
  const primaryNode = health.nodeOf(primary);
  let best = '';
  let bestCount = Number.POSITIVE_INFINITY;
  for (const vn of eligibleVns) {
    if (health.nodeOf(vn) === primaryNode) continue;
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
  health: VnHealth,
  /** Canary (test only): promote the secondary even when it is not in the in-sync set. */
  promoteOutOfSync = false,
): { readonly container: ContainerRecord; readonly summary: FailoverSummary } {
  const isUp = (vn: string): boolean => health.serving(vn);
  const eligibleVns = health.vns.filter((vn) => health.eligible(vn)).sort();
  const secondaryCounts = new Map<string, number>();
  for (const s of container.slices) if (isUp(s.secondary)) secondaryCounts.set(s.secondary, (secondaryCounts.get(s.secondary) ?? 0) + 1);
  let promoted = 0;
  let secondariesReplaced = 0;
  let unavailable = 0;
  const slices = container.slices.map((slice): SliceEntry => {
    const primaryUp = isUp(slice.primary);
    const secondaryUp = isUp(slice.secondary);
    if (primaryUp && secondaryUp) {
      if (slice.learner === undefined || isUp(slice.learner)) return slice;
      // A migration target that went away: drop it; the operation assigns another later.
      return { primary: slice.primary, secondary: slice.secondary, epoch: slice.epoch + 1, inSync: slice.inSync.filter((vn) => vn !== slice.learner) };
    }
    if (primaryUp && slice.secondary === '') {
      // A slice left without a secondary (no node was free) gets one as soon as a node is up.
      const secondary = chooseSecondary(slice.primary, eligibleVns, health, secondaryCounts);
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
    // A migration in flight on this slice is abandoned (its learner is dropped with the rest).
    const secondary = chooseSecondary(primary, eligibleVns, health, secondaryCounts);
    if (secondary !== '') secondariesReplaced++;
    return { primary, secondary, epoch: slice.epoch + 1, inSync: [primary] };
  });
  return {
    container: slices.some((s, i) => s !== container.slices[i]) ? { ...container, slices, mapEpoch: container.mapEpoch + 1 } : container,
    summary: { promoted, secondariesReplaced, unavailable },
  };
}
