// What the orchestrator (bench/run.ts) and the load generator (bench/load-generator.ts) say to
// each other over the child's IPC channel: which system to drive, then one phase at a time.

/** How the load generator reaches a system. */
export type SystemTarget =
  | { readonly kind: 'tessera-http'; readonly url: string; readonly token: string }
  | { readonly kind: 'raw-http'; readonly url: string }
  | { readonly kind: 'etcd'; readonly endpoints: readonly string[] }
  | { readonly kind: 'lmdb'; readonly dir: string }
  | { readonly kind: 'tessera-library'; readonly dir: string; readonly configPath: string };

export type SystemName = SystemTarget['kind'];

export interface PhaseSpec {
  /** Unique within a run, e.g. `put-1k-c16`. */
  readonly name: string;
  readonly op: 'put' | 'get';
  readonly concurrency: number;
  readonly valueBytes: number;
  /** Keys are `${keyPrefix}${i}` for i in 0..keyCount-1. */
  readonly keyPrefix: string;
  readonly keyCount: number;
  /**
   * `timed`: random keys for warmupMs (not measured) then durationMs; `load`: every key once, in
   * order, measured whole (the time to load the key space).
   */
  readonly mode: 'timed' | 'load';
  readonly warmupMs: number;
  readonly durationMs: number;
  /** A load stops here even if keys remain (the 1M-key run on a slow system). */
  readonly loadCapMs?: number;
}

export interface PhaseResult {
  readonly name: string;
  readonly ops: number;
  readonly errors: number;
  /** The first error seen, so a failing phase says why. */
  readonly firstError: string | null;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly mbPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU seconds of the load generator process over the phase / wall seconds (1.0 = one core). */
  readonly clientCpuShare: number;
  /** Resident memory of the load generator at the end of the phase. */
  readonly clientRssBytes: number;
}

export type ToGenerator =
  | { readonly type: 'open'; readonly target: SystemTarget }
  | { readonly type: 'run'; readonly phase: PhaseSpec }
  | { readonly type: 'close' };

export type FromGenerator =
  | { readonly type: 'opened' }
  | { readonly type: 'result'; readonly result: PhaseResult }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly message: string };
