// Raft's data: log entries, the durable hard state, snapshots and the messages peers exchange.
// Plain data only, so messages cross the in-process transport, the simulator and (later) a wire
// codec unchanged.

/** A change of the voter set, one server at a time (Raft dissertation §4.1). */
export interface ConfChange {
  readonly type: 'add-voter' | 'remove-voter';
  readonly nodeId: string;
}

export interface Entry {
  readonly term: number;
  readonly index: number;
  /** The proposal's bytes; null for the empty entry a new leader appends and for conf changes. */
  readonly data: Uint8Array | null;
  /** Set on configuration entries. A node uses the latest configuration in its log, committed or not. */
  readonly conf?: ConfChange;
}

/** What must be durable before a node answers anyone: its term, its vote, how far it committed. */
export interface HardState {
  readonly term: number;
  readonly vote: string | null;
  readonly commit: number;
}

export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly data: Uint8Array;
  /** The voter set as of `index` (absent: the voters the node was configured with). */
  readonly voters?: readonly string[];
}

export type MessageType =
  | 'pre-vote' | 'pre-vote-resp'
  | 'vote' | 'vote-resp'
  | 'append' | 'append-resp'
  | 'heartbeat' | 'heartbeat-resp'
  | 'snapshot'
  | 'timeout-now';

export interface Message {
  readonly type: MessageType;
  readonly from: string;
  readonly to: string;
  /** Sender's term (for pre-vote: the term it would campaign in). */
  readonly term: number;
  /** append: index/term of the entry before `entries`; votes: candidate's last index/term. */
  readonly logIndex: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  /** Responses: false when refused. */
  readonly reject: boolean;
  /** append-resp: the follower's last index when rejecting (where to probe next); else its match. */
  readonly hintIndex: number;
  readonly snapshot: Snapshot | null;
  /** A vote request sent on a leader's behalf during a leadership transfer: bypasses the lease. */
  readonly transfer: boolean;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

export function message(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>): Message {
  return { logIndex: 0, logTerm: 0, entries: [], commit: 0, reject: false, hintIndex: 0, snapshot: null, transfer: false, ...fields };
}
