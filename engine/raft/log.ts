// The Raft log in memory: a snapshot (everything up to `snapshot.index`, compacted) followed by
// entries. `persistedIndex` marks how much of it is durable, so Ready hands out only new entries.

import { assert } from '../util/assert';
import type { Entry, Snapshot } from './types';

export class RaftLog {
  snapshot: Snapshot;
  /** Entries after the snapshot; entries[i].index === snapshot.index + 1 + i. */
  entries: Entry[];
  committed: number;
  applied: number;
  /** Entries up to here are durable. */
  persistedIndex: number;
  /** Lowest index whose stored copy must be rewritten (after a conflict truncation); Infinity if none. */
  dirtyFrom: number;

  constructor(snapshot: Snapshot, entries: Entry[], committed: number) {
    this.snapshot = snapshot;
    this.entries = entries;
    this.committed = Math.max(committed, snapshot.index);
    this.applied = snapshot.index;
    this.persistedIndex = this.lastIndex();
    this.dirtyFrom = Infinity;
  }

  firstIndex(): number {
    return this.snapshot.index + 1;
  }

  lastIndex(): number {
    return this.snapshot.index + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term of the entry at `index`; undefined when compacted away (before the snapshot) or absent. */
  term(index: number): number | undefined {
    if (index === this.snapshot.index) return this.snapshot.term;
    if (index < this.snapshot.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshot.index - 1]?.term;
  }

  /** Entries in [lo, hi], at most `maxCount`. */
  slice(lo: number, hi: number, maxCount: number): Entry[] {
    assert(lo > this.snapshot.index, `slice from ${lo} reaches into the snapshot (${this.snapshot.index})`);
    const from = lo - this.snapshot.index - 1;
    const to = Math.min(hi, this.lastIndex(), lo + maxCount - 1) - this.snapshot.index;
    return this.entries.slice(from, to);
  }

  /** Is a log ending at (index, term) at least as up to date as ours (Raft §5.4.1)? */
  isUpToDate(index: number, term: number): boolean {
    const lastTerm = this.lastTerm();
    return term > lastTerm || (term === lastTerm && index >= this.lastIndex());
  }

  matches(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  append(entry: Entry): void {
    assert(entry.index === this.lastIndex() + 1, `append index ${entry.index} after ${this.lastIndex()}`);
    this.entries.push(entry);
  }

  /**
   * Appends a leader's entries after (prevIndex): entries already present with the same term are
   * kept; the first conflicting one and everything after it is replaced (Raft §5.3).
   */
  appendFromLeader(entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.index <= this.snapshot.index) continue;
      const existing = this.term(entry.index);
      if (existing === entry.term) continue;
      if (existing !== undefined) {
        assert(entry.index > this.committed, `conflict at committed index ${entry.index}`);
        this.entries.length = entry.index - this.snapshot.index - 1;
        this.persistedIndex = Math.min(this.persistedIndex, entry.index - 1);
        this.dirtyFrom = Math.min(this.dirtyFrom, entry.index);
      }
      this.append(entry);
    }
  }

  commitTo(index: number): void {
    if (index > this.committed) {
      assert(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`);
      this.committed = index;
    }
  }

  /** Replaces the whole log with a snapshot from the leader. */
  restore(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.entries = [];
    this.committed = snapshot.index;
    this.applied = snapshot.index;
    this.persistedIndex = snapshot.index;
    this.dirtyFrom = Infinity;
  }

  /** Drops entries up to `index` (already applied), keeping `data` as the snapshot. */
  compact(index: number, data: Uint8Array, voters?: readonly string[]): void {
    if (index <= this.snapshot.index) return;
    assert(index <= this.applied, `compact ${index} beyond applied ${this.applied}`);
    const term = this.term(index);
    assert(term !== undefined, `compact at unknown index ${index}`);
    this.entries = this.entries.slice(index - this.snapshot.index);
    this.snapshot = voters === undefined ? { index, term, data } : { index, term, data, voters };
  }
}
