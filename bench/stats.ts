// Small statistics for the benchmark: percentiles of latency samples.

/** The q-quantile (0..1) of samples, nearest rank; 0 for no samples. Sorts `samples` in place. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return 0;
  samples.sort((a, b) => a - b);
  const rank = Math.min(samples.length - 1, Math.max(0, Math.ceil(q * samples.length) - 1));
  return samples[rank]!;
}
