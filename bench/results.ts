// The shape of one benchmark run, as written to bench/results/*.json and read back to compare.

import type { PhaseResult, SystemName } from './protocol';

export interface MeasuredPhase extends PhaseResult {
  /** CPU seconds of the server processes / wall seconds of the phase (1.0 = one core); null when in-process. */
  readonly serverCpuShare: number | null;
  /** Share of all the machine's cores busy during the phase (0..1), whoever used them. */
  readonly machineBusyShare: number;
  readonly serverRssBytes: number | null;
}

export interface SystemResults {
  /** Why the system was not measured (not installed, failed to start), or null. */
  readonly skipped: string | null;
  readonly phases: Record<string, MeasuredPhase>;
}

export interface LargeRunResults {
  readonly targetKeys: number;
  readonly loadedKeys: number;
  readonly loadSeconds: number;
  readonly nodes: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  /** Growth of the server's resident memory per node, scaled to one million objects. */
  readonly rssPerNodePerMillionBytes: number;
}

export interface MigrationResults {
  readonly objects: number;
  readonly objectBytes: number;
  readonly writeMBps: number;
  readonly migratedMB: number;
  readonly migrationMBps: number;
  readonly rebuiltMB: number;
  readonly rebuildMBps: number;
}

export interface PlacementRow {
  readonly nodes: number;
  readonly vnsPerNode: number;
  readonly slices: number;
  readonly mapMs: number;
  readonly scaleOutMs: number;
}

export interface SimulatorResults {
  readonly seeds: number;
  readonly seedsPerSecond: number;
  readonly problems: number;
}

export interface GoalResult {
  readonly goal: string;
  /** measured / required ratio shown, e.g. 0.14 for "0.14×"; null when not measured. */
  readonly measured: number | null;
  readonly pass: boolean | null;
  readonly line: string;
}

export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly mode: 'full' | 'quick';
  /** Key space of the standard phases. */
  readonly keys: number;
  readonly durationSeconds: number;
  readonly machine: { readonly cores: number; readonly memoryBytes: number; readonly kernel: string; readonly node: string; readonly cpuModel: string };
  readonly commit: string;
  readonly dirty: boolean;
  readonly systems: Partial<Record<SystemName, SystemResults>>;
  readonly large: LargeRunResults | null;
  readonly migration: MigrationResults | null;
  readonly placement: readonly PlacementRow[] | null;
  readonly simulator: SimulatorResults | null;
  readonly goals: readonly GoalResult[];
  /** Extras that failed (migration, placement, simulator), with why. */
  readonly problems: readonly string[];
}
