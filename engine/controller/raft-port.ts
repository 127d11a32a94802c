// What the controller host needs from a Raft implementation, and nothing more. An adapter over
// engine/raft implements it; keeping the seam narrow lets the host be read without knowing Raft.

export interface CommittedEntry {
  readonly index: number;
  readonly term: number;
  /** The proposed bytes; null for Raft's own entries (empty leader entries, config changes). */
  readonly data: Uint8Array | null;
}

export interface RaftReadyBatch {
  /** Messages to peers. Sent only after `persist` succeeded, as Raft requires. */
  readonly messages: ReadonlyArray<{ readonly to: string; readonly message: unknown }>;
  /** Entries now committed, in order, to apply after persisting. */
  readonly committed: readonly CommittedEntry[];
  /** A snapshot to install (from the leader), applied before `committed`. */
  readonly snapshot: { readonly index: number; readonly data: Uint8Array } | null;
  /** Makes the batch's hard state, entries and snapshot durable; calls back once durable. */
  persist(done: (error: string | null) => void): void;
}

export interface RaftStatusView {
  readonly id: string;
  readonly role: 'leader' | 'follower' | 'candidate' | 'pre-candidate';
  readonly term: number;
  readonly leaderId: string | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastIndex: number;
  readonly firstIndex: number;
  readonly snapshotIndex: number;
  readonly voters: readonly string[];
}

export interface RaftPort {
  tick(): void;
  step(message: unknown): void;
  /** Appends a proposal if this node leads; returns false otherwise. */
  propose(data: Uint8Array): boolean;
  /** The next batch of work, or null when there is none. */
  ready(): RaftReadyBatch | null;
  /** Acknowledges the last batch returned by `ready` (after persisting, sending and applying). */
  advance(): void;
  /** Proposes adding or removing one voter; returns why it was refused, or null. */
  proposeConfChange(change: { readonly type: 'add-voter' | 'remove-voter'; readonly nodeId: string }): string | null;
  /** Replaces the learners: nodes that receive the log without voting (not replicated config). */
  setLearners(learners: readonly string[]): void;
  /** Hands leadership to another voter; returns why it was refused, or null. */
  transferLeadership(to: string): string | null;
  /** Records a snapshot of the applied state at `index` and compacts the log before it. */
  compact(index: number, data: Uint8Array): void;
  status(): RaftStatusView;
}
