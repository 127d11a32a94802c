// The one door through which engine code meets the nondeterministic world.
//
// Every source of time, randomness, network and disk that engine code uses comes through a
// `NodeRuntime`. The real server (server/runtime/) hands out real clocks, timers, lmdb stores and an
// in-process transport; the simulator (engine/sim/) hands out virtual ones driven by one seed. The
// engine is written once against these interfaces and runs unchanged in both worlds.
//
// Everything here is callback based rather than Promise based on purpose: a callback is invoked
// by the runtime's own event loop at a point the runtime chooses, so the simulator controls the
// exact interleaving of every event and a seed replays bit for bit. Promises would hand part of
// that ordering to the JavaScript microtask queue.

/** Node identifiers are stable strings such as "node-1". */
export type NodeId = string;

/** A monotonic clock. Never wall time: leases and timeouts are measured on it. */
export interface MonotonicClock {
  /** Milliseconds since an arbitrary, per-process origin. Never goes backwards. */
  nowMs(): number;
}

/**
 * Calendar time, for labels only (event timestamps shown to operators). Never used for a
 * decision: leases, timeouts and ordering use the monotonic clock and Raft indexes.
 */
export interface WallClock {
  /** Milliseconds since 1970-01-01T00:00:00Z. */
  epochMs(): number;
}

/** Opaque handle of a scheduled timer. */
export type TimerId = number;

export interface Timers {
  /** Runs `callback` once after `delayMs` (≥ 0) of this node's clock. */
  schedule(delayMs: number, callback: () => void): TimerId;
  /** Cancels a timer; cancelling a fired or unknown timer is a no-op. */
  cancel(timerId: TimerId): void;
}

/** A seeded pseudo-random source. */
export interface RandomSource {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
  /** A float in [0, 1). */
  nextFloat(): number;
  /** An integer in [0, maxExclusive). `maxExclusive` must be a positive integer ≤ 2^32. */
  nextInt(maxExclusive: number): number;
}

/** A message between nodes. Payloads are plain data (no functions, no class instances). */
export interface Envelope<TMessage = unknown> {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly message: TMessage;
}

/**
 * Best-effort, unordered, unreliable delivery between nodes: messages may be lost, duplicated,
 * delayed or reordered (the simulator does all of these). Protocols above must cope.
 */
export interface Transport {
  send(to: NodeId, message: unknown): void;
  /** Installs the single receive handler of this node (replacing any earlier one). */
  onReceive(handler: (envelope: Envelope) => void): void;
}

/** One write in an atomic batch: `value === null` deletes the key. */
export interface StoreWrite {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** Result of a durable commit: `ok: false` carries the error (for example a failed fsync). */
export type CommitResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Durable key-value storage of one drive (or one node's system area).
 *
 * Reads see every write whose batch has been handed to `commit`, durable or not (like a page
 * cache). `commit` applies a batch atomically and calls back once the batch is durable: after a
 * crash, a batch whose callback ran with `ok: true` is present in full, and any other batch is
 * either present in full or absent in full. Keys are ordered by UTF-16 code units for scans.
 */
export interface DurableStore {
  get(key: string): Uint8Array | undefined;
  /** Keys in [startKey, endKey) in ascending order, at most `limit` entries. */
  scan(range: { readonly startKey: string; readonly endKey: string; readonly limit: number }): Array<readonly [string, Uint8Array]>;
  commit(writes: readonly StoreWrite[], onDurable: (result: CommitResult) => void): void;
  /** Bytes written to this store since it was opened (the drive model counts wear with it). */
  bytesWritten(): number;
  /**
   * True once the device behind the store stopped working (a drive failure, injected or real).
   * A failed store never reports a commit durable; reads may still return what it held.
   */
  failed?(): boolean;
}

/** A sink for diagnostic lines; the server prints them, the simulator may keep or drop them. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Everything one node of the cluster gets from the world it runs in. */
export interface NodeRuntime {
  readonly nodeId: NodeId;
  readonly clock: MonotonicClock;
  readonly wallClock: WallClock;
  readonly timers: Timers;
  readonly random: RandomSource;
  readonly transport: Transport;
  /** The node's system store (Raft log, identity); persisted under the node's directory. */
  readonly systemStore: DurableStore;
  /** Opens (creating if needed) the store of one of this node's drives. */
  driveStore(driveId: string): DurableStore;
  readonly log: Logger;
}
