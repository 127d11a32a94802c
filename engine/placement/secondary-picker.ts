// Chooses fresh secondaries quickly, with exactly the choice of the full scan over every VN
// (balance.ts `bestPartner` restricted to VNs under their secondary target): the VN on another
// node than the primary, under its target, whose pair with the primary shares the fewest slices,
// then the one holding the fewest secondaries, then the lowest index.
//
// Why: the full scan is S × T steps per new map. With 65,536 slices over 64 nodes × 16 VNs that
// is 67 M steps, about 0.45 s of a blocked event loop on every controller replica. The picker
// keeps two bit sets instead, so a choice is a few word ANDs:
//   - per load level L, the VNs under target holding exactly L secondaries (`levels`);
//   - per primary p, the VNs on another node whose pair with p shares exactly `rowMin[p]`
//     slices, the least share with any VN under target when the row was built (`atMin`).
// Pair shares and loads only grow while secondaries are filled, and VNs only leave the under-
// target set, so the true least share only grows: a VN found in atMin[p] and in a level set has
// the least share, and scanning levels upwards and bits by index gives the least load, then the
// lowest index. When atMin[p] holds no VN under target, the row is rebuilt from the pair matrix.
// The result must be the same map as the full scan, bit for bit: a replayed log entry computes
// its map again, and the data on the drives follows the map that was computed first.

import { NONE, type Assignment } from './assignment';

const UNASSIGNED = NONE;

function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

export class SecondaryPicker {
  private readonly words: number;
  private readonly levelCount: number;
  private readonly levels: Int32Array;
  private readonly levelSize: Int32Array;
  /** No level below this holds a VN (loads only grow). */
  private lowest = 0;
  /** No level above this has ever held a VN. */
  private highest = 0;
  private readonly atMin: Int32Array;
  private readonly rowBuilt: Uint8Array;

  constructor(private readonly a: Assignment, private readonly targets: Int32Array) {
    const T = a.vnCount;
    this.words = Math.ceil(T / 32);
    let maxTarget = 0;
    for (let v = 0; v < T; v++) maxTarget = Math.max(maxTarget, targets[v]!);
    this.levelCount = Math.max(1, maxTarget);
    this.levels = new Int32Array(this.levelCount * this.words);
    this.levelSize = new Int32Array(this.levelCount);
    this.lowest = this.levelCount;
    for (let v = 0; v < T; v++) this.enter(v, a.secondaryCount[v]!);
    this.atMin = new Int32Array(T * this.words);
    this.rowBuilt = new Uint8Array(T);
  }

  /** The secondary for a slice with primary p, or NONE when no VN on another node is under target. */
  pick(p: number): number {
    if (this.rowBuilt[p] === 0 && !this.buildRow(p)) return UNASSIGNED;
    const found = this.search(p);
    if (found !== UNASSIGNED) return found;
    // Every VN at the old least share is full now: the least share among the rest is higher.
    return this.buildRow(p) ? this.search(p) : UNASSIGNED;
  }

  /** Call after `a.set(slice, p, q)` gave a slice with primary p its secondary q. */
  assigned(p: number, q: number): void {
    const load = this.a.secondaryCount[q]!;
    this.leave(q, load - 1);
    this.enter(q, load);
    while (this.lowest < this.levelCount && this.levelSize[this.lowest] === 0) this.lowest++;
    if (this.rowBuilt[p] === 1) this.atMin[p * this.words + (q >> 5)]! &= ~(1 << (q & 31));
  }

  private enter(v: number, load: number): void {
    if (load < 0 || load >= this.targets[v]!) return;
    this.levels[load * this.words + (v >> 5)]! |= 1 << (v & 31);
    this.levelSize[load]!++;
    if (load < this.lowest) this.lowest = load;
    if (load > this.highest) this.highest = load;
  }

  private leave(v: number, load: number): void {
    if (load < 0 || load >= this.targets[v]!) return;
    this.levels[load * this.words + (v >> 5)]! &= ~(1 << (v & 31));
    this.levelSize[load]!--;
  }

  /** Least share of p with a VN under target on another node, and the VNs at that share. False: none. */
  private buildRow(p: number): boolean {
    const a = this.a;
    const T = a.vnCount;
    const pNode = a.nodeOf[p]!;
    const row = p * T;
    let min = -1;
    for (let v = 0; v < T; v++) {
      if (a.nodeOf[v] === pNode || a.secondaryCount[v]! >= this.targets[v]!) continue;
      const share = a.pair[row + v]!;
      if (min < 0 || share < min) min = share;
    }
    if (min < 0) return false;
    const base = p * this.words;
    this.atMin.fill(0, base, base + this.words);
    for (let v = 0; v < T; v++) {
      if (a.nodeOf[v] !== pNode && a.pair[row + v] === min) this.atMin[base + (v >> 5)]! |= 1 << (v & 31);
    }
    this.rowBuilt[p] = 1;
    return true;
  }

  private search(p: number): number {
    const words = this.words;
    const base = p * words;
    const top = Math.min(this.highest, this.levelCount - 1);
    for (let level = this.lowest; level <= top; level++) {
      if (this.levelSize[level] === 0) continue;
      const at = level * words;
      for (let w = 0; w < words; w++) {
        const hit = this.atMin[base + w]! & this.levels[at + w]!;
        if (hit !== 0) return w * 32 + lowestBit(hit);
      }
    }
    return UNASSIGNED;
  }
}
