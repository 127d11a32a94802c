// A mutable slice assignment over typed arrays, used while a map is being computed: roles as VN
// indexes (-1 = unassigned), role counts per VN and the pair-count matrix kept up to date on
// every change, so each balancing decision is O(1) to evaluate.

import { assert } from '../util/assert';
import { PLACEMENT_VERSION_CURRENT, type PlacementVersion, type PlacementVn, type SliceMap } from './types';

export const NONE = -1;

export class Assignment {
  readonly vnCount: number;
  readonly primary: Int32Array;
  readonly secondary: Int32Array;
  readonly primaryCount: Int32Array;
  readonly secondaryCount: Int32Array;
  /** pair[p * T + s] = slices with primary p and secondary s. */
  readonly pair: Int32Array;
  /** Node index of each VN. */
  readonly nodeOf: Int32Array;
  readonly nodeCount: number;
  /**
   * nodePair[m * nodeCount + n] = slices with the primary on node m and the secondary on node n.
   * Spreading each node's slices over every other node is what lets a failed node's copies be
   * rebuilt from (and onto) all the others without moving anything else (see reprotect.ts).
   */
  readonly nodePair: Int32Array;
  readonly index = new Map<string, number>();

  constructor(readonly vns: readonly PlacementVn[], readonly sliceCount: number, readonly version: PlacementVersion = PLACEMENT_VERSION_CURRENT) {
    this.vnCount = vns.length;
    this.primary = new Int32Array(sliceCount).fill(NONE);
    this.secondary = new Int32Array(sliceCount).fill(NONE);
    this.primaryCount = new Int32Array(this.vnCount);
    this.secondaryCount = new Int32Array(this.vnCount);
    this.pair = new Int32Array(this.vnCount * this.vnCount);
    this.nodeOf = new Int32Array(this.vnCount);
    const nodeIndex = new Map<string, number>();
    vns.forEach((vn, i) => {
      this.index.set(vn.id, i);
      let n = nodeIndex.get(vn.nodeId);
      if (n === undefined) {
        n = nodeIndex.size;
        nodeIndex.set(vn.nodeId, n);
      }
      this.nodeOf[i] = n;
    });
    this.nodeCount = nodeIndex.size;
    this.nodePair = new Int32Array(this.nodeCount * this.nodeCount);
  }

  /** Loads roles from a map; roles on VNs not in this assignment stay unassigned. */
  static fromMap(vns: readonly PlacementVn[], map: SliceMap, version: PlacementVersion = PLACEMENT_VERSION_CURRENT): Assignment {
    const a = new Assignment(vns, map.length, version);
    map.forEach((roles, slice) => {
      const p = a.index.get(roles.primary) ?? NONE;
      const s = a.index.get(roles.secondary) ?? NONE;
      a.set(slice, p, s);
    });
    return a;
  }

  sameNode(a: number, b: number): boolean {
    return this.nodeOf[a] === this.nodeOf[b];
  }

  pairCount(p: number, s: number): number {
    return p === NONE || s === NONE ? 0 : this.pair[p * this.vnCount + s]!;
  }

  /** Sets both roles of a slice, keeping every counter consistent. */
  set(slice: number, p: number, s: number): void {
    const oldP = this.primary[slice]!;
    const oldS = this.secondary[slice]!;
    if (oldP !== NONE) this.primaryCount[oldP]!--;
    if (oldS !== NONE) this.secondaryCount[oldS]!--;
    if (oldP !== NONE && oldS !== NONE) {
      this.pair[oldP * this.vnCount + oldS]!--;
      this.nodePair[this.nodeOf[oldP]! * this.nodeCount + this.nodeOf[oldS]!]!--;
    }
    assert(p === NONE || s === NONE || !this.sameNode(p, s), `slice ${slice}: both copies on one node`);
    this.primary[slice] = p;
    this.secondary[slice] = s;
    if (p !== NONE) this.primaryCount[p]!++;
    if (s !== NONE) this.secondaryCount[s]!++;
    if (p !== NONE && s !== NONE) {
      this.pair[p * this.vnCount + s]!++;
      this.nodePair[this.nodeOf[p]! * this.nodeCount + this.nodeOf[s]!]!++;
    }
  }

  toMap(): SliceMap {
    const out: Array<{ primary: string; secondary: string }> = [];
    for (let slice = 0; slice < this.sliceCount; slice++) {
      const p = this.primary[slice]!;
      const s = this.secondary[slice]!;
      assert(p !== NONE && s !== NONE, `slice ${slice} left without both roles`);
      out.push({ primary: this.vns[p]!.id, secondary: this.vns[s]!.id });
    }
    return out;
  }
}
