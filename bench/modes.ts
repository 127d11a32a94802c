// The two sizes of a benchmark run. Full: `npm run bench` (under 10 minutes on a 2-core
// machine). Quick: `npm run bench -- --quick` (about a minute), for before and after a change to
// the write path: same figures, shorter phases and fewer keys, so noisier.

export interface BenchMode {
  readonly name: 'full' | 'quick';
  /** Measured time of each timed phase, after its warmup. */
  readonly phaseMs: number;
  readonly warmupMs: number;
  /** Key space of the standard phases (loaded once before the gets). */
  readonly keys: number;
  /** The load of that key space stops here on a slow system (the gets then read what it wrote). */
  readonly loadCapMs: number;
  /** Key space of the large run, and how long its load may take at most. */
  readonly largeKeys: number;
  readonly largeLoadCapMs: number;
  /** bench/migration.ts: objects and their size. */
  readonly migrationObjects: number;
  readonly migrationObjectBytes: number;
  /** Cluster-swarm seeds timed for the simulator rate. */
  readonly simSeeds: number;
}

export const FULL_MODE: BenchMode = {
  name: 'full', phaseMs: 5_000, warmupMs: 1_000, keys: 10_000, loadCapMs: 30_000,
  largeKeys: 1_000_000, largeLoadCapMs: 120_000,
  migrationObjects: 1_000, migrationObjectBytes: 32_768, simSeeds: 5,
};

export const QUICK_MODE: BenchMode = {
  name: 'quick', phaseMs: 1_000, warmupMs: 250, keys: 1_000, loadCapMs: 5_000,
  largeKeys: 20_000, largeLoadCapMs: 5_000,
  migrationObjects: 200, migrationObjectBytes: 32_768, simSeeds: 2,
};
