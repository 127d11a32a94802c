// The active region's change stream, per slice: every committed write gets the next position of
// its slice (1, 2, 3, … with no holes) and stays here until the passive region has durably
// applied it. A slice's positions are the order the passive region applies in, so it needs no
// clocks and no conflict rule. Retention is bounded in bytes: when the passive region falls too
// far behind, the oldest records go, and asking for them later is a gap (a loud event and a
// resync of that slice), never a silent hole.

/** A committed write (or delete) as shipped to the other region. */
export interface ChangeRecord {
  readonly slice: number;
  readonly position: number;
  readonly key: string;
  readonly version: number;
  /** null: the key was deleted. */
  readonly value: Uint8Array | null;
  /** When the write was acknowledged, on the source's clock: for lag in milliseconds. */
  readonly committedAtMs: number;
}

/** Default bound on the records a source keeps for the other region, in bytes. */
export const CHANGE_LOG_RETAINED_BYTES_MAX = 256 * 1024 * 1024;
/** Default bound on one batch read for shipping. */
export const CHANGE_BATCH_RECORDS_MAX = 512;

export type ChangeRead =
  | { readonly kind: 'records'; readonly records: readonly ChangeRecord[] }
  /** The records after `afterPosition` were dropped: the slice must be resynced. */
  | { readonly kind: 'gap'; readonly firstRetained: number; readonly head: number };

function recordBytes(record: ChangeRecord): number {
  return 64 + record.key.length * 2 + (record.value?.byteLength ?? 0);
}

interface SliceLog {
  /** Position of records[0]; head = first + records.length - 1. */
  first: number;
  records: ChangeRecord[];
  /** Through here the other region has durably applied (records trimmed for that reason). */
  ackedThrough: number;
}

export class ChangeLog {
  private readonly slices = new Map<number, SliceLog>();
  private retainedBytes = 0;
  private droppedRecords = 0;

  constructor(private readonly retainedBytesMax = CHANGE_LOG_RETAINED_BYTES_MAX) {}

  /** Appends a committed write and returns its record (with the slice's next position). */
  append(slice: number, key: string, version: number, value: Uint8Array | null, committedAtMs: number): ChangeRecord {
    let log = this.slices.get(slice);
    if (log === undefined) {
      log = { first: 1, records: [], ackedThrough: 0 };
      this.slices.set(slice, log);
    }
    const record: ChangeRecord = { slice, position: log.first + log.records.length, key, version, value, committedAtMs };
    log.records.push(record);
    this.retainedBytes += recordBytes(record);
    this.enforceRetention();
    return record;
  }

  /** The newest position of a slice (0 before its first write). */
  head(slice: number): number {
    const log = this.slices.get(slice);
    return log === undefined ? 0 : log.first + log.records.length - 1;
  }

  /** Records after `afterPosition`, oldest first, at most `maxRecords`. */
  read(slice: number, afterPosition: number, maxRecords = CHANGE_BATCH_RECORDS_MAX): ChangeRead {
    const log = this.slices.get(slice);
    if (log === undefined) return { kind: 'records', records: [] };
    // A reader whose position is older than an acknowledgement we already have read it before
    // that batch was applied: start after what is known applied. Only records dropped without
    // being applied make a gap.
    const after = Math.max(afterPosition, log.ackedThrough);
    if (after + 1 < log.first) return { kind: 'gap', firstRetained: log.first, head: this.head(slice) };
    const start = after + 1 - log.first;
    return { kind: 'records', records: log.records.slice(start, start + maxRecords) };
  }

  /** The other region durably applied everything through `position`: forget it. */
  trim(slice: number, position: number): void {
    const log = this.slices.get(slice);
    if (log === undefined) return;
    log.ackedThrough = Math.max(log.ackedThrough, Math.min(position, log.first + log.records.length - 1));
    while (log.records.length > 0 && log.first <= position) {
      const dropped = log.records.shift() as ChangeRecord;
      this.retainedBytes -= recordBytes(dropped);
      log.first++;
    }
  }

  /** Per slice: how many records are not yet applied by the other region, and the oldest's age. */
  pending(applied: (slice: number) => number, nowMs: number): { records: number; oldestAgeMs: number } {
    let records = 0;
    let oldest = nowMs;
    for (const [slice, log] of this.slices) {
      const after = applied(slice);
      const head = log.first + log.records.length - 1;
      if (head <= after) continue;
      records += head - after;
      const next = log.records[Math.max(0, after + 1 - log.first)];
      if (next !== undefined) oldest = Math.min(oldest, next.committedAtMs);
    }
    return { records, oldestAgeMs: nowMs - oldest };
  }

  slicesWithRecords(): number[] {
    return [...this.slices.keys()].sort((a, b) => a - b);
  }

  stats(): { retainedBytes: number; droppedRecords: number } {
    return { retainedBytes: this.retainedBytes, droppedRecords: this.droppedRecords };
  }

  /** Drops the oldest records of the largest slices until within the byte bound. */
  private enforceRetention(): void {
    while (this.retainedBytes > this.retainedBytesMax) {
      let largest: SliceLog | undefined;
      for (const log of this.slices.values()) if (largest === undefined || log.records.length > largest.records.length) largest = log;
      if (largest === undefined || largest.records.length === 0) return;
      const dropped = largest.records.shift() as ChangeRecord;
      largest.first++;
      this.retainedBytes -= recordBytes(dropped);
      this.droppedRecords++;
    }
  }
}
