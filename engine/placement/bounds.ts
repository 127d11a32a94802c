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
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => (currentCounts[b] ?? 0) - (currentCounts[a] ?? 0) || a - b);
  for (let k = 0; k < extra; k++) targets[order[k]!]! += 1;
  return targets;
}
