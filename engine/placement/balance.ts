// The balancing engine behind every placement operation. Given an assignment in which some roles
// are missing or some VNs hold too many, it reaches per-VN role targets (max − min ≤ 1 for
// primaries and for secondaries) with as few role changes as it can:
//
//   1. a slice that lost its primary promotes its secondary (a role switch, no data moves);
//   2. primaries over target are first handed to the slice's own secondary when that VN is under
//      target (again only a role switch), then moved to an under-target VN;
//   3. missing secondaries are filled, and secondaries over target moved, always to a VN on
//      another node than the primary, choosing the VN whose pair with the primary shares the
//      fewest slices — this is what spreads every VN's partners over the whole cluster;
//   4. a final pass swaps secondaries between slices while any pair shares more than the bound.
//
// Every choice breaks ties by index, so the same input always gives the same map.

import { assert } from '../util/assert';
import { NONE as UNASSIGNED, type Assignment } from './assignment';
import { roleTargets, secondaryTargetsWithinNodes } from './bounds';
import { SecondaryPicker } from './secondary-picker';

// A module-local copy: an imported binding is read through a getter in the transpiled module,
// which cost 1.7 s of a 2.2 s map (65,536 slices, 1,024 VNs) in the hot loops below.
const NONE = UNASSIGNED;

/** Score weights of a move: relieving a pair over the bound beats everything; creating one is worst. */
const RELIEVES_OVER_BOUND = 10_000;
const CREATES_OVER_BOUND = 5_000;
// A tie-breaker only: moving both roles of one slice costs the same two copies as two single moves,
// and forbidding it leaves the pairs between new VNs empty while old pairs stay at the bound.
const BOTH_COPIES_MOVED_PENALTY = 0.5;

/** How good it is to move a role from a pair sharing `fromCount` slices to one sharing `toCount`. */
function moveScore(fromCount: number, toCount: number, pairBound: number): number {
  return (fromCount > pairBound ? RELIEVES_OVER_BOUND : 0) - (toCount + 1 > pairBound ? CREATES_OVER_BOUND : 0) + fromCount - toCount;
}

/** Upper bound on repair iterations: a safety net, far above what balanced inputs need. */
export const PAIR_REPAIR_ROUNDS_MAX = 200_000;

/** `fresh[slice]`: which role of the slice was placed in this run and holds no data yet (0: neither). */
export const FRESH_SECONDARY = 1;
/** The primary is new (re-protection put the new copy there); the secondary holds the only copy. */
export const FRESH_PRIMARY = 2;

export function balance(a: Assignment, pairBound: number, fresh: Uint8Array = new Uint8Array(a.sliceCount)): void {
  const movedPrimary = new Uint8Array(a.sliceCount);
  promoteOrphans(a);
  assignMissingPrimaries(a);
  fillMissingSecondaries(a, fresh);
  balancePrimaries(a, movedPrimary, fresh, pairBound);
  balanceSecondaries(a, movedPrimary, fresh, pairBound);
  repairPairs(a, fresh, pairBound);
}

/** Step 1: a slice without a primary promotes its secondary; without either, it gets a fresh primary later. */
function promoteOrphans(a: Assignment): void {
  for (let slice = 0; slice < a.sliceCount; slice++) {
    if (a.primary[slice] === NONE && a.secondary[slice] !== NONE) a.set(slice, a.secondary[slice]!, NONE);
  }
}

/** Slices with no copy at all (a new map, or both VNs lost) get a primary. */
function assignMissingPrimaries(a: Assignment): void {
  const targets = roleTargets(a.sliceCount, a.primaryCount);
  // VNs under target take them in rotation, one per VN per round, so consecutive slices spread out.
  const rotation: number[] = [];
  for (let round = 0; ; round++) {
    let any = false;
    for (let v = 0; v < a.vnCount; v++) {
      if (targets[v]! - a.primaryCount[v]! > round) {
        rotation.push(v);
        any = true;
      }
    }
    if (!any) break;
  }
  let next = 0;
  for (let slice = 0; slice < a.sliceCount; slice++) {
    if (a.primary[slice] !== NONE) continue;
    const v = rotation[next++];
    assert(v !== undefined, 'a VN under its primary target exists');
    a.set(slice, v, a.secondary[slice]!);
  }
}

/** Every slice gets a secondary before roles are balanced, so a moving primary always leaves a copy behind. */
function fillMissingSecondaries(a: Assignment, fresh: Uint8Array): void {
  const targets = roleTargets(a.sliceCount, a.secondaryCount);
  // Version 1: the same choice as bestPartnerV1(a, p, under target), without scanning every VN
  // per slice. Version 2's node-pair tie-break has no picker yet, so it scans.
  const picker = a.version === 1 ? new SecondaryPicker(a, targets) : null;
  for (let slice = 0; slice < a.sliceCount; slice++) {
    if (a.secondary[slice] !== NONE) continue;
    const p = a.primary[slice]!;
    let q = picker !== null ? picker.pick(p) : bestPartner(a, p, (v) => a.secondaryCount[v]! < targets[v]!);
    // Only VNs on the primary's node are under target: overfill one elsewhere; the move pass fixes it.
    if (q === NONE) q = bestPartner(a, p, () => true);
    assert(q !== NONE, 'a VN on another node exists');
    a.set(slice, p, q);
    picker?.assigned(p, q);
    fresh[slice] = FRESH_SECONDARY;
  }
}

function balancePrimaries(a: Assignment, movedPrimary: Uint8Array, fresh: Uint8Array, pairBound: number): void {
  const targets = roleTargets(a.sliceCount, a.primaryCount);
  // Role switches first: they move no data.
  for (let slice = 0; slice < a.sliceCount; slice++) {
    const p = a.primary[slice]!;
    const s = a.secondary[slice]!;
    if (s !== NONE && fresh[slice] === 0 && a.primaryCount[p]! > targets[p]! && a.primaryCount[s]! < targets[s]!) a.set(slice, s, p);
  }
  // Then moves: from the most loaded VN to an under-target one, the slice chosen to relieve the
  // fullest pair. Only slices that keep a copy elsewhere may move their primary: a slice whose
  // secondary is fresh holds its only copy on the primary.
  for (let guard = 0; guard < a.sliceCount * 4; guard++) {
    const over = mostOverBound(a, a.primaryCount, targets, pairBound, 'row');
    if (over === NONE) return;
    const underVns: number[] = [];
    for (let v = 0; v < a.vnCount; v++) if (a.primaryCount[v]! < targets[v]!) underVns.push(v);
    assert(underVns.length > 0, 'primary totals match targets');
    let best = NONE;
    let bestTo = NONE;
    let bestScore = -Infinity;
    for (let slice = 0; slice < a.sliceCount; slice++) {
      if (a.primary[slice] !== over) continue;
      const s = a.secondary[slice]!;
      if (s === NONE || fresh[slice] === FRESH_SECONDARY) continue;
      for (const under of underVns) {
        if (s === under || a.sameNode(s, under)) continue;
        const score = moveScore(a.pairCount(over, s), a.pairCount(under, s), pairBound) + (targets[under]! - a.primaryCount[under]!) * 0.001;
        if (score > bestScore) {
          bestScore = score;
          best = slice;
          bestTo = under;
        }
      }
    }
    if (best !== NONE) {
      a.set(best, bestTo, a.secondary[best]!);
      movedPrimary[best] = 1;
      continue;
    }
    // No such slice (e.g. every secondary of `over` is fresh after a node left): move the primary
    // and keep the old primary's copy as the secondary, to an under-target VN on another node if
    // there is one, else through any VN on another node (which then passes one on).
    let slice = NONE;
    // Not a slice with a fresh primary: its old secondary holds the only copy and must stay.
    for (let i = 0; i < a.sliceCount && slice === NONE; i++) if (a.primary[i] === over && fresh[i] !== FRESH_PRIMARY) slice = i;
    assert(slice !== NONE, 'an over-target VN has a slice');
    let to = underVns.find((u) => !a.sameNode(u, over)) ?? NONE;
    if (to === NONE) {
      for (let v = 0; v < a.vnCount; v++) if (!a.sameNode(v, over) && (to === NONE || a.primaryCount[v]! < a.primaryCount[to]!)) to = v;
    }
    assert(to !== NONE, 'a VN on another node exists');
    a.set(slice, to, over);
    movedPrimary[slice] = 1;
    // The old primary's copy is now the secondary and `to` starts empty (version 1 forgot it).
    fresh[slice] = a.version >= 2 ? FRESH_PRIMARY : 0;
  }
  throw new Error('placement: primary balancing did not converge');
}

function balanceSecondaries(a: Assignment, movedPrimary: Uint8Array, fresh: Uint8Array, pairBound: number): void {
  // Version 1 keeps its targets: a replayed version-1 entry must give the map (or the rejection) it gave first.
  const targets = a.version >= 2 ? secondaryTargetsWithinNodes(a.sliceCount, a.secondaryCount, a.primaryCount, a.nodeOf, a.nodeCount) : roleTargets(a.sliceCount, a.secondaryCount);
  // Move secondaries from VNs over target to VNs under target.
  for (let guard = 0; guard < a.sliceCount * 4; guard++) {
    const over = mostOverBound(a, a.secondaryCount, targets, pairBound, 'column');
    if (over === NONE) return;
    const underVns: number[] = [];
    for (let v = 0; v < a.vnCount; v++) if (a.secondaryCount[v]! < targets[v]!) underVns.push(v);
    let bestSlice = NONE;
    let bestTo = NONE;
    let bestScore = -Infinity;
    for (let slice = 0; slice < a.sliceCount; slice++) {
      if (a.secondary[slice] !== over || fresh[slice] === FRESH_PRIMARY) continue;
      const p = a.primary[slice]!;
      for (const v of underVns) {
        if (a.sameNode(v, p)) continue;
        // Prefer slices whose primary stayed put (moving both copies of one slice moves twice the
        // data), unless the slice's pair is over the bound: then the second move is what fixes it.
        const from = a.pairCount(p, over);
        const bothMoved = movedPrimary[slice] === 1 && from <= pairBound ? BOTH_COPIES_MOVED_PENALTY : 0;
        const score = moveScore(from, a.pairCount(p, v), pairBound) - (a.secondaryCount[v]! - targets[v]!) * 0.001 - bothMoved;
        if (score > bestScore) {
          bestScore = score;
          bestSlice = slice;
          bestTo = v;
        }
      }
    }
    if (bestSlice !== NONE) {
      a.set(bestSlice, a.primary[bestSlice]!, bestTo);
      continue;
    }
    // No direct move (every under-target VN shares a node with each of over's primaries): move
    // through a third VN that can take it and give one of its own to an under-target VN.
    if (!relaySecondary(a, over, targets, fresh)) throw new Error(`placement: cannot rebalance secondaries of VN ${a.vns[over]?.id ?? over}`);
  }
  throw new Error('placement: secondary balancing did not converge');
}

/** over → mid (mid stays level), mid → under: one extra move, used only when no direct one exists. */
function relaySecondary(a: Assignment, over: number, targets: Int32Array, fresh: Uint8Array): boolean {
  for (let s1 = 0; s1 < a.sliceCount; s1++) {
    if (a.secondary[s1] !== over || fresh[s1] === FRESH_PRIMARY) continue;
    const p1 = a.primary[s1]!;
    for (let mid = 0; mid < a.vnCount; mid++) {
      if (mid === over || a.sameNode(mid, p1)) continue;
      for (let s2 = 0; s2 < a.sliceCount; s2++) {
        if (a.secondary[s2] !== mid || fresh[s2] === FRESH_PRIMARY) continue;
        const p2 = a.primary[s2]!;
        for (let under = 0; under < a.vnCount; under++) {
          if (a.secondaryCount[under]! >= targets[under]! || a.sameNode(under, p2)) continue;
          a.set(s2, p2, under);
          a.set(s1, p1, mid);
          return true;
        }
      }
    }
  }
  return false;
}

/** Step 4: while a pair shares more slices than the bound, swap secondaries with another slice. */
function repairPairs(a: Assignment, fresh: Uint8Array, pairBound: number): void {
  const T = a.vnCount;
  for (let round = 0; round < PAIR_REPAIR_ROUNDS_MAX; round++) {
    let worst = -1;
    for (let i = 0; i < T * T; i++) if (a.pair[i]! > pairBound && (worst < 0 || a.pair[i]! > a.pair[worst]!)) worst = i;
    if (worst < 0) return;
    const p = Math.floor(worst / T);
    const s = worst % T;
    if (!swapOnePair(a, p, s, fresh, pairBound)) return; // Best effort: the property tests report what is left.
  }
}

function swapOnePair(a: Assignment, p: number, s: number, fresh: Uint8Array, pairBound: number): boolean {
  let slice1 = NONE;
  for (let slice = 0; slice < a.sliceCount && slice1 === NONE; slice++) if (a.primary[slice] === p && a.secondary[slice] === s && fresh[slice] !== FRESH_PRIMARY) slice1 = slice;
  if (slice1 === NONE) return false;
  let best = NONE;
  let bestWorst = Infinity;
  for (let slice2 = 0; slice2 < a.sliceCount; slice2++) {
    const p2 = a.primary[slice2]!;
    const s2 = a.secondary[slice2]!;
    // Swapping secondaries moves the copy a fresh primary depends on: never for such a slice.
    if (p2 === p || s2 === s || fresh[slice2] === FRESH_PRIMARY || a.sameNode(p, s2) || a.sameNode(p2, s)) continue;
    // After the swap the slices are (p, s2) and (p2, s): both must stay within the bound. Each
    // such swap lowers the over-bound pair by one and creates no new violation, so repair ends.
    const worst = Math.max(a.pairCount(p, s2) + 1, a.pairCount(p2, s) + 1);
    if (worst <= pairBound && worst < bestWorst) {
      bestWorst = worst;
      best = slice2;
    }
  }
  if (best === NONE) return false;
  const p2 = a.primary[best]!;
  const s2 = a.secondary[best]!;
  a.set(slice1, p, s2);
  a.set(best, p2, s);
  return true;
}

/**
 * The VN (not on p's node, accepted by `allowed`) sharing the fewest slices with p, then the one
 * on the node sharing the fewest slices with p's node (so each node's slices spread over every
 * other node, not just the next one in index order), then the least loaded. This is the hot loop
 * of a new map under version 2 (S × T steps), so it reads the typed arrays directly. Version 1
 * maps take SecondaryPicker, which makes bestPartnerV1's choice without the S × T steps.
 */
export function bestPartner(a: Assignment, p: number, allowed: (v: number) => boolean): number {
  if (a.version === 1) return bestPartnerV1(a, p, allowed);
  const T = a.vnCount;
  const row = p * T;
  const pair = a.pair;
  const nodeOf = a.nodeOf;
  const load = a.secondaryCount;
  const pNode = nodeOf[p]!;
  const nodeRow = pNode * a.nodeCount;
  const nodePair = a.nodePair;
  let best = NONE;
  let bestPair = 0;
  let bestNodePair = 0;
  let bestLoad = 0;
  for (let v = 0; v < T; v++) {
    const vNode = nodeOf[v]!;
    if (vNode === pNode) continue;
    const count = pair[row + v]!;
    if (best !== NONE && count > bestPair) continue;
    const nodeCount = nodePair[nodeRow + vNode]!;
    if (best !== NONE && count === bestPair && (nodeCount > bestNodePair || (nodeCount === bestNodePair && load[v]! >= bestLoad))) continue;
    if (!allowed(v)) continue;
    best = v;
    bestPair = count;
    bestNodePair = nodeCount;
    bestLoad = load[v]!;
  }
  return best;
}

/** Placement version 1: the fewest shared slices, then the least loaded, then the index. */
function bestPartnerV1(a: Assignment, p: number, allowed: (v: number) => boolean): number {
  const T = a.vnCount;
  const row = p * T;
  const pair = a.pair;
  const nodeOf = a.nodeOf;
  const load = a.secondaryCount;
  const pNode = nodeOf[p]!;
  let best = NONE;
  let bestPair = 0;
  let bestLoad = 0;
  for (let v = 0; v < T; v++) {
    if (nodeOf[v] === pNode) continue;
    const count = pair[row + v]!;
    if (best !== NONE && (count > bestPair || (count === bestPair && load[v]! >= bestLoad))) continue;
    if (!allowed(v)) continue;
    best = v;
    bestPair = count;
    bestLoad = load[v]!;
  }
  return best;
}

/**
 * Among VNs over their role target, the one whose pairs (its row as primary, its column as
 * secondary) exceed the bound the most, then the one most over target: moves from it relieve
 * over-bound pairs, which otherwise cost two moves each in the repair pass.
 */
function mostOverBound(a: Assignment, counts: Int32Array, targets: Int32Array, pairBound: number, axis: 'row' | 'column'): number {
  const T = a.vnCount;
  let best = NONE;
  let bestBoundExcess = -1;
  let bestExcess = 0;
  for (let v = 0; v < T; v++) {
    const excess = counts[v]! - targets[v]!;
    if (excess <= 0) continue;
    let boundExcess = 0;
    for (let w = 0; w < T; w++) {
      const c = axis === 'row' ? a.pair[v * T + w]! : a.pair[w * T + v]!;
      if (c > pairBound) boundExcess += c - pairBound;
    }
    if (boundExcess > bestBoundExcess || (boundExcess === bestBoundExcess && excess > bestExcess)) {
      best = v;
      bestBoundExcess = boundExcess;
      bestExcess = excess;
    }
  }
  return best;
}
