// The passive region's side of the change stream: applies each slice's records in position
// order, exactly once. The applied position of a slice is written in the same durable batch as
// the records it covers, so after a crash the position and the data agree: a channel that
// resends what was applied finds it skipped, a channel that takes over resumes right after it,
// and a batch that would leave a hole is refused. A gap the source reports (records dropped
// before they were shipped) is recorded and resolved by a resync: the slice's whole state at a
// position, replacing what is there.

import type { ChangeRecord } from './change-log';

/** The durable batch the applier writes: rows and the new applied position, atomically. */
export interface AppliedBatch {
  readonly slice: number;
  readonly appliedPosition: number;
  readonly puts: readonly { key: string; version: number; value: Uint8Array }[];
  readonly deletes: readonly string[];
  /** A resync replaces the slice's whole content. */
  readonly replaceSlice: boolean;
}

export interface ApplierStore {
  appliedPosition(slice: number): number;
  /** Must be atomic and durable before it returns (or before its callback, in a real store). */
  commit(batch: AppliedBatch): void;
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly appliedPosition: number; readonly records: number; readonly skipped: number }
  | { readonly kind: 'hole'; readonly appliedPosition: number; readonly firstOffered: number };

export interface GapEvent {
  readonly slice: number;
  readonly appliedPosition: number;
  readonly firstRetained: number;
  readonly head: number;
}

export class ChangeApplier {
  private readonly gaps: GapEvent[] = [];
  private appliedRecords = 0;

  constructor(private readonly store: ApplierStore) {}

  appliedPosition(slice: number): number {
    return this.store.appliedPosition(slice);
  }

  /** Applies the records (one slice's, in position order) not applied yet. */
  apply(slice: number, records: readonly ChangeRecord[]): ApplyOutcome {
    const applied = this.store.appliedPosition(slice);
    const fresh = records.filter((r) => r.slice === slice && r.position > applied);
    const skipped = records.length - fresh.length;
    if (fresh.length === 0) return { kind: 'applied', appliedPosition: applied, records: 0, skipped };
    const first = fresh[0] as ChangeRecord;
    if (first.position !== applied + 1) return { kind: 'hole', appliedPosition: applied, firstOffered: first.position };
    // Positions must be contiguous within the batch too; stop at the first break.
    let last = applied;
    const latest = new Map<string, ChangeRecord>();
    for (const record of fresh) {
      if (record.position !== last + 1) break;
      latest.set(record.key, record);
      last = record.position;
    }
    const puts: { key: string; version: number; value: Uint8Array }[] = [];
    const deletes: string[] = [];
    for (const record of latest.values()) {
      if (record.value === null) deletes.push(record.key);
      else puts.push({ key: record.key, version: record.version, value: record.value });
    }
    this.store.commit({ slice, appliedPosition: last, puts, deletes, replaceSlice: false });
    this.appliedRecords += last - applied;
    return { kind: 'applied', appliedPosition: last, records: last - applied, skipped };
  }

  /** The source no longer holds what follows our position: say so, loudly, and wait for a resync. */
  reportGap(event: GapEvent): void {
    this.gaps.push(event);
  }

  /** Replaces a slice with the source's full state as of `position`. */
  resync(slice: number, position: number, rows: readonly { key: string; version: number; value: Uint8Array }[]): void {
    this.store.commit({ slice, appliedPosition: position, puts: rows, deletes: [], replaceSlice: true });
  }

  gapEvents(): readonly GapEvent[] {
    return this.gaps;
  }

  stats(): { appliedRecords: number; gaps: number } {
    return { appliedRecords: this.appliedRecords, gaps: this.gaps.length };
  }
}
