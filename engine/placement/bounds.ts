// The numbers a balanced map must reach (docs/DESIGN.md §3).

/** Largest number of slices any ordered (primary VN, secondary VN) pair may share. */
export function pairShareBound(sliceCount: number, totalVns: number, vnsPerNodeMax: number): number {
  return Math.ceil(sliceCount / (totalVns * (totalVns - vnsPerNodeMax))) + 1;
}

/**
 * Per-VN targets for one role: every VN gets ⌊S/T⌋ and `S mod T` of them one more. The extra
 * ones go to the VNs that already hold the most of that role, so reaching the targets moves as
 * little as possible. Ties break by VN index, so the result is deterministic.
 */
export function roleTargets(sliceCount: number, currentCounts: Int32Array): Int32Array {
  const total = currentCounts.length;
  const base = Math.floor(sliceCount / total);
  const extra = sliceCount - base * total;
  const targets = new Int32Array(total).fill(base);
  for (const v of byCountDescending(currentCounts).slice(0, extra)) targets[v]! += 1;
  return targets;
}

/**
 * Secondary targets a map can reach: like roleTargets, but a node's VNs together never get more
 * than `S − (primaries on that node)`, since no slice may keep both copies on one node. Plain
 * roleTargets ignores this, which matters when two nodes are left (every slice then has one copy
 * on each, so the secondaries on one node are exactly the primaries on the other): it could give
 * a node's VNs 512 secondaries while the other node held 513 primaries, and no move reaches that
 * (3 × 7 × 1024 after a node failed). An extra role that would pass its node's cap goes to the
 * next VN in order instead. Where roleTargets' targets are reachable, both give the same targets.
 */
export function secondaryTargetsWithinNodes(sliceCount: number, secondaryCounts: Int32Array, primaryCounts: Int32Array, nodeOf: Int32Array, nodeCount: number): Int32Array {
  const total = secondaryCounts.length;
  const base = Math.floor(sliceCount / total);
  let extra = sliceCount - base * total;
  const targets = new Int32Array(total).fill(base);
  const room = new Int32Array(nodeCount).fill(sliceCount);
  for (let v = 0; v < total; v++) room[nodeOf[v]!]! -= primaryCounts[v]! + base;
  const order = byCountDescending(secondaryCounts);
  for (const v of order) {
    if (extra === 0) break;
    if (room[nodeOf[v]!]! <= 0) continue;
    targets[v]! += 1;
    room[nodeOf[v]!]!--;
    extra--;
  }
  // No reachable choice (nodes of very different sizes): the remaining extras as roleTargets gives them.
  for (const v of order) {
    if (extra === 0) break;
    if (targets[v]! > base) continue;
    targets[v]! += 1;
    extra--;
  }
  return targets;
}

/** VN indexes by count, largest first, ties by index. */
function byCountDescending(counts: Int32Array): number[] {
  return Array.from({ length: counts.length }, (_, i) => i).sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a - b);
}
