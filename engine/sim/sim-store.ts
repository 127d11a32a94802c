// An in-memory DurableStore with a disk's failure modes: batches become durable only after a
// simulated fsync delay; a crash loses every batch not yet durable; fsync can be made to fail;
// and, beyond the DurableStore contract, a crash can tear the batch being written (a prefix of
// its writes lands, the last of them cut short), as a device without atomic writes would. Engine
// code must detect a torn record by its checksum, never trust it.

import type { CommitResult, DurableStore, StoreWrite } from '../runtime/runtime';
import type { EventQueue } from './event-queue';
import type { SeededRandom } from './prng';

export interface SimStoreFaults {
  /** Probability that a commit's fsync reports an error (the batch is then not durable). */
  fsyncErrorProbability: number;
  /** Probability that a crash tears the oldest unsynced batch instead of dropping it whole. */
  tornWriteProbability: number;
  /** Canary: report a batch durable at once while it is still lost on a crash (a lying fsync). */
  fsyncLies?: boolean;
  /** Simulated fsync latency range in ms. */
  fsyncMinMs: number;
  fsyncMaxMs: number;
}

export const DEFAULT_STORE_FAULTS: SimStoreFaults = { fsyncErrorProbability: 0, tornWriteProbability: 0, fsyncMinMs: 0.1, fsyncMaxMs: 2 };

interface PendingBatch {
  readonly writes: readonly StoreWrite[];
}

export class SimStore implements DurableStore {
  /** What survives a crash. */
  private durable = new Map<string, Uint8Array>();
  /** What reads see: durable plus batches handed to commit. */
  private visible = new Map<string, Uint8Array>();
  private pending: PendingBatch[] = [];
  private written = 0;
  /** Crashes that tore a batch (for tests to know the fault fired). */
  tornWrites = 0;
  /** Bumped on crash so callbacks of batches from before the crash never fire. */
  private generation = 0;
  /** A dead drive: commits are lost and never reported durable; reads return what it held. */
  private dead = false;

  constructor(
    private readonly queue: EventQueue,
    private readonly random: SeededRandom,
    public faults: SimStoreFaults = DEFAULT_STORE_FAULTS,
  ) {}

  get(key: string): Uint8Array | undefined {
    return this.visible.get(key);
  }

  scan(range: { readonly startKey: string; readonly endKey: string; readonly limit: number }): Array<readonly [string, Uint8Array]> {
    const keys = [...this.visible.keys()].filter((k) => k >= range.startKey && k < range.endKey).sort();
    return keys.slice(0, range.limit).map((k) => [k, this.visible.get(k)!] as const);
  }

  commit(writes: readonly StoreWrite[], onDurable: (result: CommitResult) => void): void {
    if (this.dead) return;
    const batch: PendingBatch = { writes: writes.slice() };
    for (const w of batch.writes) {
      if (w.value === null) this.visible.delete(w.key);
      else this.visible.set(w.key, w.value.slice());
      this.written += w.key.length + (w.value?.length ?? 0);
    }
    this.pending.push(batch);
    const generation = this.generation;
    const latencyMs = this.faults.fsyncMinMs + this.random.nextFloat() * (this.faults.fsyncMaxMs - this.faults.fsyncMinMs);
    const fails = this.random.nextFloat() < this.faults.fsyncErrorProbability;
    if (this.faults.fsyncLies === true) {
      const lied = onDurable;
      this.queue.schedule(this.queue.nowMs(), () => { if (generation === this.generation) lied({ ok: true }); });
      onDurable = () => undefined;
    }
    this.queue.schedule(this.queue.nowMs() + latencyMs, () => {
      if (generation !== this.generation) return;
      if (fails) {
        onDurable({ ok: false, error: 'simulated fsync error' });
        return;
      }
      // Batches become durable in commit order, like a write-ahead log.
      const index = this.pending.indexOf(batch);
      if (index >= 0) {
        for (const earlier of this.pending.splice(0, index + 1)) this.applyDurable(earlier);
      }
      onDurable({ ok: true });
    });
  }

  bytesWritten(): number {
    return this.written;
  }

  failed(): boolean {
    return this.dead;
  }

  /** The device dies: nothing written from now on survives or is acknowledged. */
  fail(): void {
    this.dead = true;
    this.generation++;
    this.pending = [];
    this.visible = new Map(this.durable);
  }

  /** A new, empty drive in the old one's slot. */
  replace(): void {
    this.dead = false;
    this.generation++;
    this.pending = [];
    this.durable = new Map();
    this.visible = new Map();
    this.written = 0;
  }

  /** Power loss: everything not yet durable disappears; pending callbacks never fire. */
  crash(): void {
    this.generation++;
    const torn = this.pending[0];
    if (torn !== undefined && torn.writes.length > 0 && this.random.nextFloat() < this.faults.tornWriteProbability) {
      // A prefix of the batch reaches the platter; its last write is cut short.
      const landed = 1 + this.random.nextInt(torn.writes.length);
      torn.writes.slice(0, landed).forEach((w, i) => {
        if (w.value === null) this.durable.delete(w.key);
        else this.durable.set(w.key, i === landed - 1 ? w.value.slice(0, this.random.nextInt(Math.max(1, w.value.length))) : w.value.slice());
      });
      this.tornWrites++;
    }
    this.pending = [];
    this.visible = new Map(this.durable);
  }

  /**
   * Bit rot: flips one bit of one stored record among the `eligible` keys, on the platter
   * and in what reads see. Returns the key, or undefined when there is none.
   */
  flipBit(eligible: (key: string) => boolean): string | undefined {
    const keys = [...this.durable.keys()].filter(eligible).sort();
    if (keys.length === 0) return undefined;
    const key = keys[this.random.nextInt(keys.length)] ?? '';
    const value = this.durable.get(key);
    if (value === undefined || value.length === 0) return undefined;
    const flipped = value.slice();
    const at = this.random.nextInt(flipped.length);
    flipped[at] = (flipped[at] ?? 0) ^ (1 << this.random.nextInt(8));
    this.durable.set(key, flipped);
    if (this.visible.get(key) === value) this.visible.set(key, flipped);
    return key;
  }

  /** A copy of the durable contents, for checks and determinism hashes. */
  durableEntries(): Array<readonly [string, Uint8Array]> {
    return [...this.durable.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private applyDurable(batch: PendingBatch): void {
    for (const w of batch.writes) {
      if (w.value === null) this.durable.delete(w.key);
      else this.durable.set(w.key, w.value.slice());
    }
  }
}
