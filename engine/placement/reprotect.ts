// Re-protection after VNs are lost (a failed drive or node, a decommission): each slice that
// lost a copy needs exactly one new copy, and this pass decides where those copies go so that
// the map is balanced again without copying anything else.
//
// The freedom it uses: a slice left with one copy on VN o may get its new copy as the secondary
// (o, new) or as the primary (new, o); both cost the one copy the slice needs anyway. So a VN over
// its primary share hands primaries to VNs under it by demoting itself to secondary on slices it
// must re-protect, and the new secondaries then go to the VNs under their secondary share. The
// general balancing engine (balance.ts) knows only role switches and moves, and moving the
// primary of a slice whose secondary is fresh would leave only empty copies; it paid for balance
// with extra copies instead (1.375 × the lost copies on 32 nodes × 8 VNs × 8192 slices, up to
// 1.59 × elsewhere). Whatever this pass cannot place it leaves to balance.ts.

import { NONE, type Assignment } from './assignment';
import { FRESH_PRIMARY, FRESH_SECONDARY } from './balance';

/**
 * Promotes orphaned secondaries, then places every missing role where the role counts need it.
 * Returns which role of each slice is new (FRESH_PRIMARY / FRESH_SECONDARY, for balance.ts).
 */
export function reprotect(a: Assignment, pairBound: number): Uint8Array {
  const fresh = new Uint8Array(a.sliceCount);
  const open: number[] = [];
  for (let slice = 0; slice < a.sliceCount; slice++) {
    const s = a.secondary[slice]!;
    if (a.primary[slice] === NONE && s !== NONE) a.set(slice, s, NONE); // Promotion: a role switch, no data moves.
    if (a.primary[slice] !== NONE && a.secondary[slice] === NONE) open.push(slice);
  }
  if (open.length === 0) return fresh;
  const handedOver = handOverPrimaries(a, open, pairBound);
  for (const slice of handedOver) fresh[slice] = FRESH_PRIMARY;
  repairHandedOverPairs(a, [...handedOver], pairBound);
  for (const slice of fillSecondaries(a, open.filter((slice) => !handedOver.has(slice)), pairBound)) fresh[slice] = FRESH_SECONDARY;
  return fresh;
}

/**
 * Balance for one role: every VN ends with ⌊S/T⌋ or ⌊S/T⌋ + 1, and exactly S mod T of them with
 * the larger count. Which VNs get the extra ones is decided as the roles are placed (not fixed in
 * advance), so the extras go where the node rule allows them.
 */
class RoleLevels {
  private readonly base: number;
  private readonly extra: number;
  /** VNs holding more than the base count. */
  private above = 0;

  constructor(private readonly counts: Int32Array, sliceCount: number) {
    this.base = Math.floor(sliceCount / counts.length);
    this.extra = sliceCount - this.base * counts.length;
    for (const c of counts) if (c > this.base) this.above++;
  }

  /** Must take a role (below the base), or may (at the base while extras are left). */
  canTake(v: number): boolean {
    const c = this.counts[v]!;
    return c < this.base || (c === this.base && this.above < this.extra);
  }

  mustTake(v: number): boolean {
    return this.counts[v]! < this.base;
  }

  /** Above the base + 1, or at it while more VNs hold an extra role than there are extras. */
  mustGive(v: number): boolean {
    const c = this.counts[v]!;
    return c > this.base + 1 || (c === this.base + 1 && this.above > this.extra);
  }

  /** Call before the count of `v` changes by `delta` (±1). */
  changing(v: number, delta: number): void {
    const before = this.counts[v]!;
    const after = before + delta;
    if (before <= this.base && after > this.base) this.above++;
    if (before > this.base && after <= this.base) this.above--;
  }
}

/**
 * The VN that should take a role paired with `partner` (on another node): within the pair bound
 * first, then a VN that must take one, then the pair sharing the fewest slices, then the index.
 */
function bestTaker(a: Assignment, levels: RoleLevels, pairWith: (v: number) => number, partner: number, pairBound: number): number {
  let best = NONE;
  let bestKey = 0;
  for (let v = 0; v < a.vnCount; v++) {
    if (!levels.canTake(v) || a.sameNode(v, partner)) continue;
    const pair = pairWith(v);
    const key = (pair + 1 > pairBound ? 2 : 0) + (levels.mustTake(v) ? 0 : 1) + pair * 4;
    if (best === NONE || key < bestKey) {
      best = v;
      bestKey = key;
    }
  }
  return best;
}

/**
 * Each VN over its primary share demotes itself to secondary on slices it re-protects; the new
 * copy becomes the primary on a VN under its share, on another node.
 */
function handOverPrimaries(a: Assignment, open: readonly number[], pairBound: number): Set<number> {
  const levels = new RoleLevels(a.primaryCount, a.sliceCount);
  const handedOver = new Set<number>();
  const move = (slice: number, p: number, s: number): void => {
    const old = a.primary[slice]!;
    levels.changing(old, -1);
    levels.changing(p, 1);
    a.set(slice, p, s);
  };
  for (const slice of open) {
    const o = a.primary[slice]!;
    if (!levels.mustGive(o)) continue;
    const u = bestTaker(a, levels, (v) => a.pairCount(v, o), o, pairBound);
    if (u !== NONE) {
      move(slice, u, o);
      handedOver.add(slice);
      continue;
    }
    // Every VN that may take one is on o's node: swap with a slice handed over earlier, whose
    // new primary can serve o while a taker serves that slice's old primary.
    for (const other of handedOver) {
      const u2 = a.primary[other]!;
      const o2 = a.secondary[other]!;
      if (a.sameNode(u2, o)) continue;
      const w = bestTaker(a, levels, (v) => a.pairCount(v, o2), o2, pairBound);
      if (w === NONE) continue;
      move(other, w, o2);
      move(slice, u2, o);
      handedOver.add(slice);
      break;
    }
  }
  return handedOver;
}

/**
 * A new primary whose pair with its secondary exceeds the bound (every VN that could take it was
 * already paired with that secondary) trades places with another new primary. Free, since neither
 * holds data yet, and it keeps every count; balance.ts cannot do it, as it never moves the
 * secondary a new primary depends on.
 */
function repairHandedOverPairs(a: Assignment, handedOver: readonly number[], pairBound: number): void {
  for (const slice of handedOver) {
    const u1 = a.primary[slice]!;
    const o1 = a.secondary[slice]!;
    if (a.pairCount(u1, o1) <= pairBound) continue;
    for (const other of handedOver) {
      const u2 = a.primary[other]!;
      const o2 = a.secondary[other]!;
      if (u2 === u1 || a.sameNode(u2, o1) || a.sameNode(u1, o2)) continue;
      if (a.pairCount(u2, o1) + 1 > pairBound || a.pairCount(u1, o2) + 1 > pairBound) continue;
      a.set(slice, u2, o1);
      a.set(other, u1, o2);
      break;
    }
  }
}

/** The remaining open slices get their secondary on a VN under its secondary share; returns those filled. */
function fillSecondaries(a: Assignment, open: readonly number[], pairBound: number): number[] {
  const levels = new RoleLevels(a.secondaryCount, a.sliceCount);
  const filled: number[] = [];
  const place = (slice: number, s: number): void => {
    const old = a.secondary[slice]!;
    if (old !== NONE) levels.changing(old, -1);
    levels.changing(s, 1);
    a.set(slice, a.primary[slice]!, s);
  };
  for (const slice of open) {
    const p = a.primary[slice]!;
    const v = bestTaker(a, levels, (x) => a.pairCount(p, x), p, pairBound);
    if (v !== NONE) {
      place(slice, v);
      filled.push(slice);
      continue;
    }
    // Every VN that may take one is on p's node: take the fresh secondary of a slice filled
    // earlier (free: it holds no data yet) and give that slice a taker instead.
    for (const other of filled) {
      const p2 = a.primary[other]!;
      const v2 = a.secondary[other]!;
      if (a.sameNode(v2, p)) continue;
      const w = bestTaker(a, levels, (x) => a.pairCount(p2, x), p2, pairBound);
      if (w === NONE) continue;
      place(other, w);
      place(slice, v2);
      filled.push(slice);
      break;
    }
  }
  return filled;
}
