// A Raft replica whose state lives in a DurableStore: recovery at start, and each Ready made
// durable in one atomic batch (hard state, new entries, replaced or compacted ones deleted,
// snapshot) before its messages go out. Implements the controller's RaftPort.
//
//   raft/hs/0, raft/hs/1    hard state (term, vote, commit), written alternately with a sequence
//                           number (seq n goes to slot n mod 2, seq 1 first), so a torn write of
//                           one slot leaves the other (older, and the only one ever acknowledged)
//                           intact. Seq n+1 is written only once seq n is durable.
//   raft/snap               latest snapshot
//   raft/e/<index, 16 digits>   log entries after the snapshot

import type { DurableStore, RandomSource } from '../runtime/runtime';
import type { RaftPort, RaftReadyBatch, RaftStatusView } from '../controller/raft-port';
import { CorruptRecordError, decodeRecord, encodeRecord } from '../codec/json-bytes';
import { decodeEntry, decodeSnapshot, encodeEntry, encodeSnapshot } from './entry-codec';
import { RaftNode, type RaftReady, type RaftTestFaults } from './raft';
import type { Entry, HardState, Message, Snapshot } from './types';

const HARD_STATE_SLOTS = ['raft/hs/0', 'raft/hs/1'] as const;

interface StoredHardState extends HardState {
  readonly seq: number;
}
const SNAPSHOT_KEY = 'raft/snap';
const ENTRY_PREFIX = 'raft/e/';
const entryKey = (index: number): string => `${ENTRY_PREFIX}${String(index).padStart(16, '0')}`;
/** Entries read per scan at recovery. */
const RECOVERY_SCAN_BATCH = 10_000;

export interface DurableRaftOptions {
  readonly id: string;
  readonly voters: readonly string[];
  /** Non-voting members that receive the log (see RaftConfig.learners). */
  readonly learners?: readonly string[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly random: RandomSource;
  readonly faults?: RaftTestFaults;
}

/**
 * The newest valid hard-state slot; a torn slot is skipped. Throws when no slot is valid and the
 * slots cannot be explained by a crash on a sound disk.
 */
function readHardState(store: DurableStore): { hardState: HardState; seq: number } {
  let best: StoredHardState | undefined;
  const damaged: string[] = [];
  for (const key of HARD_STATE_SLOTS) {
    const bytes = store.get(key);
    if (bytes === undefined) continue;
    try {
      const slot = decodeRecord(bytes, key) as StoredHardState;
      if (best === undefined || slot.seq > best.seq) best = slot;
    } catch (error) {
      // Torn: the other slot holds the last acknowledged hard state.
      damaged.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (best !== undefined) return { hardState: { term: best.term, vote: best.vote, commit: best.commit }, seq: best.seq };
  // Slot 1 damaged and slot 0 never written: the very first hard state (seq 1) was torn by a
  // crash before it was durable, so it was never acknowledged (messages go out only after
  // their Ready is durable). The last durable hard state is the initial one.
  if (store.get(HARD_STATE_SLOTS[0]) === undefined) return { hardState: { term: 0, vote: null, commit: 0 }, seq: 0 };
  // Slot 0 is written (seq 2) only after slot 1 (seq 1) is durable, and each write leaves the
  // other slot durable: with both damaged (or slot 0 without slot 1) the disk lost or changed
  // acknowledged data. Starting fresh could vote twice in a term, so refuse.
  throw new CorruptRecordError(`raft hard state: every slot is damaged (${damaged.join('; ')}); the disk lost acknowledged state`);
}

/** Reads the durable Raft state (empty on a new node). Throws on a damaged hard state or log. */
export function recoverRaftState(store: DurableStore): { hardState: HardState; snapshot: Snapshot; entries: Entry[] } {
  const { hardState } = readHardState(store);
  const snapBytes = store.get(SNAPSHOT_KEY);
  const snapshot = snapBytes === undefined ? { index: 0, term: 0, data: new Uint8Array(0) } : decodeSnapshot(snapBytes, SNAPSHOT_KEY);
  const entries: Entry[] = [];
  let start = entryKey(snapshot.index + 1);
  scan: for (;;) {
    const batch = store.scan({ startKey: start, endKey: `${ENTRY_PREFIX}~`, limit: RECOVERY_SCAN_BATCH });
    for (const [key, value] of batch) {
      let entry: Entry;
      try {
        entry = decodeEntry(value, key);
      } catch {
        // A torn record can only be the tail of a batch that never became durable (and so was
        // never acknowledged): the log ends before it. Anything after it is from the same batch.
        break scan;
      }
      // Only a contiguous run after the snapshot counts; anything else is a leftover of a crash.
      if (entry.index !== snapshot.index + entries.length + 1) break scan;
      entries.push(entry);
    }
    if (batch.length < RECOVERY_SCAN_BATCH) break;
    start = entryKey(snapshot.index + entries.length + 1);
  }
  // Entries beyond what the hard state committed may be dropped, but never committed ones.
  if (snapshot.index + entries.length < hardState.commit) {
    throw new CorruptRecordError(`raft log ends at ${snapshot.index + entries.length} but ${hardState.commit} was committed: the log is damaged`);
  }
  return { hardState, snapshot, entries };
}

export class DurableRaft implements RaftPort {
  readonly node: RaftNode;
  /** Highest entry index written to the store (to delete stale tails after truncation). */
  private storedLastIndex: number;
  /** Index of the snapshot in the store: entries at or below it are gone. */
  private storedSnapshotIndex: number;
  private current: RaftReady | null = null;
  /** Sequence number of the last hard state written; the slot is seq mod 2. */
  private hardStateSeq: number;

  constructor(private readonly store: DurableStore, options: DurableRaftOptions) {
    const state = recoverRaftState(store);
    this.hardStateSeq = readHardState(store).seq;
    this.storedLastIndex = state.snapshot.index + state.entries.length;
    this.storedSnapshotIndex = state.snapshot.index;
    this.node = new RaftNode({
      id: options.id, voters: options.voters, learners: options.learners ?? [], electionTicks: options.electionTicks, heartbeatTicks: options.heartbeatTicks,
      random: options.random, preVote: true, checkQuorum: true, ...(options.faults === undefined ? {} : { faults: options.faults }),
    }, state);
  }

  tick(): void {
    this.node.tick();
  }

  step(payload: unknown): void {
    this.node.step(payload as Message);
  }

  propose(data: Uint8Array): boolean {
    return this.node.propose(data);
  }

  proposeConfChange(change: { readonly type: 'add-voter' | 'remove-voter'; readonly nodeId: string }): string | null {
    return this.node.proposeConfChange(change);
  }

  transferLeadership(to: string): string | null {
    return this.node.transferLeadership(to);
  }

  setLearners(learners: readonly string[]): void {
    this.node.setLearners(learners);
  }

  ready(): RaftReadyBatch | null {
    if (this.current !== null || !this.node.hasReady()) return null;
    const rd = this.node.ready();
    this.current = rd;
    return {
      messages: rd.messages.map((m) => ({ to: m.to, message: m })),
      committed: rd.committed.map((e) => ({ index: e.index, term: e.term, data: e.data })),
      snapshot: rd.snapshot === null ? null : { index: rd.snapshot.index, data: rd.snapshot.data },
      persist: (done) => this.persist(rd, done),
    };
  }

  private persist(rd: RaftReady, done: (error: string | null) => void): void {
    const writes: Array<{ key: string; value: Uint8Array | null }> = [];
    if (rd.snapshot !== null) {
      // A snapshot from the leader replaces the whole log.
      writes.push({ key: SNAPSHOT_KEY, value: encodeSnapshot(rd.snapshot) });
      for (let i = this.storedSnapshotIndex + 1; i <= this.storedLastIndex; i++) writes.push({ key: entryKey(i), value: null });
    }
    if (rd.truncateFrom !== null) {
      for (let i = rd.truncateFrom; i <= this.storedLastIndex; i++) writes.push({ key: entryKey(i), value: null });
    }
    for (const entry of rd.entries) writes.push({ key: entryKey(entry.index), value: encodeEntry(entry) });
    // The other slot keeps the last durable hard state until this write is durable: the seq
    // (and so the slot) advances only then, so a failed write is retried in the same slot.
    const seq = rd.hardState === null ? this.hardStateSeq : this.hardStateSeq + 1;
    if (rd.hardState !== null) {
      const stored: StoredHardState = { ...rd.hardState, seq };
      writes.push({ key: HARD_STATE_SLOTS[seq % 2]!, value: encodeRecord(stored) });
    }
    if (writes.length === 0) {
      done(null);
      return;
    }
    const last = rd.entries[rd.entries.length - 1];
    this.store.commit(writes, (result) => {
      if (!result.ok) {
        done(result.error);
        return;
      }
      this.hardStateSeq = seq;
      if (last !== undefined) this.storedLastIndex = last.index;
      else if (rd.truncateFrom !== null) this.storedLastIndex = rd.truncateFrom - 1;
      if (rd.snapshot !== null) {
        this.storedSnapshotIndex = rd.snapshot.index;
        this.storedLastIndex = Math.max(rd.snapshot.index, last?.index ?? 0);
      }
      done(null);
    });
  }

  advance(): void {
    const rd = this.current;
    if (rd === null) return;
    this.current = null;
    this.node.advance(rd);
  }

  compact(index: number, data: Uint8Array): void {
    const before = this.node.log.snapshot.index;
    this.node.compact(index, data);
    const snapshot = this.node.log.snapshot;
    if (snapshot.index === before) return;
    // The snapshot and the deletion of the entries it covers land in one atomic batch.
    const writes: Array<{ key: string; value: Uint8Array | null }> = [{ key: SNAPSHOT_KEY, value: encodeSnapshot(snapshot) }];
    for (let i = before + 1; i <= snapshot.index; i++) writes.push({ key: entryKey(i), value: null });
    this.storedSnapshotIndex = snapshot.index;
    this.store.commit(writes, () => undefined);
  }

  status(): RaftStatusView {
    return this.node.status();
  }
}
