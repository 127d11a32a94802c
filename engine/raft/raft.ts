// The Raft consensus state machine, in the style of etcd-io/raft: pure `step(message)` and
// `tick()`, output drained through `ready()` and acknowledged with `advance()`. No I/O, no clock:
// the caller persists each Ready's hard state and entries before sending its messages, and applies
// its committed entries. Includes PreVote (a partitioned node cannot disrupt the cluster when it
// returns), CheckQuorum (a leader that lost its majority steps down, and followers ignore votes
// while they hear a leader), bounded in-flight appends, and snapshots for lagging followers.

import type { RaftStatusView } from '../controller/raft-port';
import type { RandomSource } from '../runtime/runtime';
import { assert } from '../util/assert';
import { RaftLog } from './log';
import { message, type Entry, type HardState, type Message, type Role, type Snapshot } from './types';

/** Entries carried by one append message. */
export const MAX_ENTRIES_PER_APPEND = 64;
/** Appends in flight to one follower before the leader waits for answers (flow control). */
export const MAX_INFLIGHT_APPENDS = 16;
/** Proposals the leader accepts into its unpersisted tail before refusing (back-pressure). */
export const MAX_UNCOMMITTED_ENTRIES = 4096;

/** Bugs that tests can plant to prove the simulator catches them. Never set in production. */
export interface RaftTestFaults {
  /** Grants a vote even when this node already voted for someone else in the term. */
  readonly grantVoteTwiceInTerm?: boolean;
  /** Commits an entry of an older term by counting replicas (the Raft paper's Figure 8 bug). */
  readonly commitOlderTermByCounting?: boolean;
  /** Grants votes without checking that the candidate's log is at least as up to date (§5.4.1). */
  readonly skipLogUpToDateCheck?: boolean;
}

export interface RaftConfig {
  readonly id: string;
  readonly voters: readonly string[];
  /**
   * Non-voting members: they receive the log (so every data node holds the controller state)
   * but never vote, campaign or count towards a quorum. A learner that becomes a voter through
   * a membership change simply stops being one.
   */
  readonly learners?: readonly string[];
  /** Ticks without hearing a leader before campaigning (randomised in [n, 2n)). */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly random: RandomSource;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Entries per append message (default MAX_ENTRIES_PER_APPEND); the swarm varies it. */
  readonly maxEntriesPerAppend?: number;
  readonly faults?: RaftTestFaults;
}

export interface RaftReady {
  readonly hardState: HardState | null;
  /** New entries to make durable (and, when `truncateFrom` is set, everything stored from that index replaced). */
  readonly entries: readonly Entry[];
  readonly truncateFrom: number | null;
  /** A snapshot received from the leader: persist it and restore the state machine from it. */
  readonly snapshot: Snapshot | null;
  readonly messages: readonly Message[];
  /** Committed entries to apply, in order. */
  readonly committed: readonly Entry[];
  readonly lastIndex: number;
  readonly appliedTo: number;
}

interface Progress {
  match: number;
  next: number;
  inflight: number;
  /** Waiting for an answer after a rejection: send one append at a time. */
  probing: boolean;
  recentActive: boolean;
}

/** The port's view of a replica, plus this node's vote. */
export interface RaftStatus extends RaftStatusView {
  readonly vote: string | null;
}

export class RaftNode {
  term: number;
  vote: string | null;
  role: Role = 'follower';
  leaderId: string | null = null;
  readonly log: RaftLog;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private votes = new Map<string, boolean>();
  private readonly progress = new Map<string, Progress>();
  private msgs: Message[] = [];
  private prevHardState: HardState;
  private pendingSnapshot: Snapshot | null = null;
  private readonly faults: RaftTestFaults;
  /** The latest configuration in the log (committed or not), as the dissertation prescribes. */
  private voters: readonly string[];
  /** Leadership transfer in progress: the target and how long we have waited. */
  private transferee: string | null = null;
  private transferElapsed = 0;
  /**
   * Learners (non-voting members that receive the log). Not part of the replicated
   * configuration: they never count towards a quorum, so each node may learn of them on its
   * own (the controller tells Raft whenever the committed topology changes).
   */
  private learnerIds: readonly string[];

  constructor(private readonly config: RaftConfig, state: { hardState: HardState; snapshot: Snapshot; entries: Entry[] }) {
    assert(config.voters.includes(config.id) || config.voters.length > 0, 'voters are configured');
    assert(config.electionTicks > config.heartbeatTicks, 'election timeout exceeds the heartbeat interval');
    this.faults = config.faults ?? {};
    this.term = state.hardState.term;
    this.vote = state.hardState.vote;
    this.log = new RaftLog(state.snapshot, state.entries, state.hardState.commit);
    this.prevHardState = state.hardState;
    this.voters = config.voters;
    this.learnerIds = config.learners ?? [];
    this.recomputeVoters();
    this.resetElectionTimeout();
  }

  /** Voters: the snapshot's configuration, then every conf change in the log after it. */
  private recomputeVoters(): void {
    let voters = [...(this.log.snapshot.voters ?? this.config.voters)];
    for (const entry of this.log.entries) voters = applyConf(voters, entry);
    const changed = voters.length !== this.voters.length || voters.some((v, i) => v !== this.voters[i]);
    this.voters = voters;
    if (changed) this.syncProgress();
  }

  /** A leader tracks progress of exactly its replicas: new ones start probing, gone ones are forgotten. */
  private syncProgress(): void {
    if (this.role !== 'leader') return;
    for (const peer of this.replicas) {
      if (!this.progress.has(peer)) this.progress.set(peer, { match: 0, next: this.log.lastIndex() + 1, inflight: 0, probing: true, recentActive: true });
    }
    const replicas = this.replicas;
    for (const peer of [...this.progress.keys()]) if (!replicas.includes(peer)) this.progress.delete(peer);
  }

  /** Replaces the learners (nodes that follow the log without voting). */
  setLearners(learners: readonly string[]): void {
    const same = learners.length === this.learnerIds.length && learners.every((l, i) => l === this.learnerIds[i]);
    if (same) return;
    this.learnerIds = [...learners];
    this.syncProgress();
  }

  private votersAt(index: number): string[] {
    let voters = [...(this.log.snapshot.voters ?? this.config.voters)];
    for (const entry of this.log.entries) if (entry.index <= index) voters = applyConf(voters, entry);
    return voters;
  }

  get id(): string {
    return this.config.id;
  }

  private get peers(): string[] {
    return this.voters.filter((v) => v !== this.config.id);
  }

  private get learners(): string[] {
    return this.learnerIds.filter((l) => l !== this.config.id && !this.voters.includes(l));
  }

  /** Everyone the leader replicates to: voting peers and learners. */
  private get replicas(): string[] {
    return [...this.peers, ...this.learners];
  }

  private quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  private isVoter(): boolean {
    return this.voters.includes(this.config.id);
  }

  status(): RaftStatus {
    return {
      id: this.config.id, role: this.role, term: this.term, vote: this.vote, leaderId: this.leaderId,
      commitIndex: this.log.committed, appliedIndex: this.log.applied, lastIndex: this.log.lastIndex(),
      firstIndex: this.log.firstIndex(), snapshotIndex: this.log.snapshot.index, voters: this.voters,
    };
  }

  // ---- time ---------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') {
      this.heartbeatElapsed++;
      this.electionElapsed++;
      if (this.transferee !== null && ++this.transferElapsed >= this.config.electionTicks) {
        // The target did not take over within an election timeout: give up and serve again.
        this.transferee = null;
      }
      if (this.electionElapsed >= this.config.electionTicks) {
        this.electionElapsed = 0;
        if (this.config.checkQuorum && !this.quorumActive()) {
          this.becomeFollower(this.term, null);
          return;
        }
      }
      if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
        this.heartbeatElapsed = 0;
        this.broadcastHeartbeat();
      }
      return;
    }
    this.electionElapsed++;
    if (this.isVoter() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.campaign(this.config.preVote);
    }
  }

  private resetElectionTimeout(): void {
    this.randomizedElectionTimeout = this.config.electionTicks + this.config.random.nextInt(this.config.electionTicks);
  }

  private quorumActive(): boolean {
    let active = 1;
    for (const [peer, pr] of this.progress) {
      if (pr.recentActive && this.voters.includes(peer)) active++;
      pr.recentActive = false;
    }
    return active >= this.quorum();
  }

  // ---- role changes -------------------------------------------------------------------------

  private becomeFollower(term: number, leaderId: string | null): void {
    if (term > this.term) {
      this.term = term;
      this.vote = null;
    }
    this.role = 'follower';
    this.leaderId = leaderId;
    this.transferee = null;
    this.electionElapsed = 0;
    this.resetElectionTimeout();
  }

  private campaign(pre: boolean, transfer = false): void {
    this.votes = new Map([[this.config.id, true]]);
    if (pre) {
      this.role = 'pre-candidate';
      this.leaderId = null;
    } else {
      this.role = 'candidate';
      this.term++;
      this.vote = this.config.id;
      this.leaderId = null;
    }
    this.resetElectionTimeout();
    if (this.votes.size >= this.quorum()) {
      if (pre) this.campaign(false);
      else this.becomeLeader();
      return;
    }
    const term = pre ? this.term + 1 : this.term;
    for (const peer of this.peers) {
      this.send(message({ type: pre ? 'pre-vote' : 'vote', from: this.config.id, to: peer, term, logIndex: this.log.lastIndex(), logTerm: this.log.lastTerm(), transfer }));
    }
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', `only a candidate becomes leader (was ${this.role})`);
    this.role = 'leader';
    this.leaderId = this.config.id;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.progress.clear();
    for (const peer of this.replicas) {
      this.progress.set(peer, { match: 0, next: this.log.lastIndex() + 1, inflight: 0, probing: true, recentActive: true });
    }
    // An entry of the new term: committing it commits everything before it (Raft §5.4.2).
    this.log.append({ term: this.term, index: this.log.lastIndex() + 1, data: null });
    this.broadcastAppend();
  }

  // ---- proposals ----------------------------------------------------------------------------

  /** Appends `data` to the log if this node leads; false otherwise (or when too far behind). */
  propose(data: Uint8Array): boolean {
    if (this.role !== 'leader' || this.transferee !== null) return false;
    if (this.log.lastIndex() - this.log.committed >= MAX_UNCOMMITTED_ENTRIES) return false;
    this.log.append({ term: this.term, index: this.log.lastIndex() + 1, data });
    this.broadcastAppend();
    return true;
  }

  /**
   * Proposes adding or removing one voter. Refused unless this node leads, no other change is
   * still uncommitted (one server at a time keeps every two majorities overlapping), and the
   * change makes sense (the leader removes itself only by transferring leadership first).
   */
  proposeConfChange(change: { type: 'add-voter' | 'remove-voter'; nodeId: string }): string | null {
    if (this.role !== 'leader') return 'not the leader';
    if (this.transferee !== null) return 'a leadership transfer is in progress';
    for (const entry of this.log.entries) if (entry.conf !== undefined && entry.index > this.log.committed) return 'another configuration change is not committed yet';
    if (change.type === 'add-voter' && this.voters.includes(change.nodeId)) return `${change.nodeId} is already a voter`;
    if (change.type === 'remove-voter' && !this.voters.includes(change.nodeId)) return `${change.nodeId} is not a voter`;
    if (change.type === 'remove-voter' && change.nodeId === this.config.id) return 'transfer leadership before removing the leader';
    this.log.append({ term: this.term, index: this.log.lastIndex() + 1, data: null, conf: change });
    this.recomputeVoters();
    this.broadcastAppend();
    return null;
  }

  /** Hands leadership to `to` once its log is complete (etcd's MsgTransferLeader). */
  transferLeadership(to: string): string | null {
    if (this.role !== 'leader') return 'not the leader';
    if (to === this.config.id) return 'already the leader';
    const pr = this.progress.get(to);
    if (pr === undefined || !this.voters.includes(to)) return `${to} is not a voter`;
    this.transferee = to;
    this.transferElapsed = 0;
    if (pr.match === this.log.lastIndex()) this.send(message({ type: 'timeout-now', from: this.config.id, to, term: this.term }));
    else this.sendAppend(to, pr);
    return null;
  }

  // ---- messages -----------------------------------------------------------------------------

  step(m: Message): void {
    // Messages from nodes outside this node's configuration are dropped (a removed node must not
    // disrupt elections), except what only an elected leader sends: a node that has not yet
    // applied the entry adding a new voter must still follow that voter once it leads (etcd-io/raft
    // does not filter at all; an election needs a quorum of the voters, who do filter votes).
    const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
    if (!this.voters.includes(m.from) && !this.learners.includes(m.from) && !fromLeader) return;
    if (m.term > this.term) {
      const isPreVote = m.type === 'pre-vote' || (m.type === 'pre-vote-resp' && !m.reject);
      if (!isPreVote) {
        // CheckQuorum lease: while we hear a leader, a vote request from a higher term is a
        // disruption (a node coming back from a partition), not an election.
        if (m.type === 'vote' && !m.transfer && this.config.checkQuorum && this.leaderId !== null && this.electionElapsed < this.config.electionTicks) return;
        const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : null);
      }
    } else if (m.term < this.term) {
      if (m.type === 'append' || m.type === 'heartbeat') {
        // A deposed leader learns the new term from our answer and steps down.
        this.send(message({ type: 'append-resp', from: this.config.id, to: m.from, term: this.term, reject: true }));
      } else if (m.type === 'pre-vote') {
        this.send(message({ type: 'pre-vote-resp', from: this.config.id, to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case 'pre-vote': {
        const heardLeader = this.leaderId !== null && this.electionElapsed < this.config.electionTicks;
        const grant = !heardLeader && m.term > this.term && (this.log.isUpToDate(m.logIndex, m.logTerm) || this.faults.skipLogUpToDateCheck === true);
        this.send(message({ type: 'pre-vote-resp', from: this.config.id, to: m.from, term: grant ? m.term : this.term, reject: !grant }));
        return;
      }
      case 'vote': {
        const free = this.vote === null || this.vote === m.from || this.faults.grantVoteTwiceInTerm === true;
        const grant = free && (this.log.isUpToDate(m.logIndex, m.logTerm) || this.faults.skipLogUpToDateCheck === true);
        if (grant) {
          this.vote = m.from;
          this.electionElapsed = 0;
        }
        this.send(message({ type: 'vote-resp', from: this.config.id, to: m.from, term: this.term, reject: !grant }));
        return;
      }
      case 'pre-vote-resp':
      case 'vote-resp':
        this.tallyVote(m);
        return;
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        if (this.role === 'leader') return; // Same term, two leaders is impossible; ignore stray copies.
        this.becomeFollower(this.term, m.from);
        if (m.type === 'append') this.handleAppend(m);
        else if (m.type === 'heartbeat') this.handleHeartbeat(m);
        else this.handleSnapshot(m);
        return;
      case 'append-resp':
      case 'heartbeat-resp':
        if (this.role === 'leader') this.handleResponse(m);
        return;
      case 'timeout-now':
        // The leader asks us to take over now: campaign at once, without PreVote.
        if (this.role !== 'leader' && this.isVoter()) this.campaign(false, true);
        return;
    }
  }

  private tallyVote(m: Message): void {
    const expected = m.type === 'pre-vote-resp' ? 'pre-candidate' : 'candidate';
    if (this.role !== expected) return;
    if (m.type === 'pre-vote-resp' && !m.reject && m.term !== this.term + 1) return;
    this.votes.set(m.from, !m.reject);
    let granted = 0;
    let rejected = 0;
    for (const v of this.votes.values()) if (v) granted++; else rejected++;
    if (granted >= this.quorum()) {
      if (this.role === 'pre-candidate') this.campaign(false);
      else this.becomeLeader();
    } else if (rejected >= this.quorum()) {
      this.becomeFollower(this.term, null);
    }
  }

  private handleAppend(m: Message): void {
    if (m.logIndex < this.log.committed) {
      this.send(message({ type: 'append-resp', from: this.config.id, to: m.from, term: this.term, hintIndex: this.log.committed }));
      return;
    }
    if (!this.log.matches(m.logIndex, m.logTerm)) {
      this.send(message({ type: 'append-resp', from: this.config.id, to: m.from, term: this.term, reject: true, logIndex: m.logIndex, hintIndex: this.log.lastIndex() }));
      return;
    }
    this.log.appendFromLeader(m.entries);
    if (m.entries.some((e) => e.conf !== undefined) || Number.isFinite(this.log.dirtyFrom)) this.recomputeVoters();
    const lastNew = m.logIndex + m.entries.length;
    this.log.commitTo(Math.min(m.commit, lastNew));
    this.send(message({ type: 'append-resp', from: this.config.id, to: m.from, term: this.term, hintIndex: lastNew }));
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send(message({ type: 'heartbeat-resp', from: this.config.id, to: m.from, term: this.term }));
  }

  private handleSnapshot(m: Message): void {
    const snapshot = m.snapshot;
    if (snapshot === null) return;
    if (snapshot.index <= this.log.committed) {
      this.send(message({ type: 'append-resp', from: this.config.id, to: m.from, term: this.term, hintIndex: this.log.committed }));
      return;
    }
    if (this.log.matches(snapshot.index, snapshot.term)) {
      this.log.commitTo(snapshot.index);
    } else {
      this.log.restore(snapshot);
      this.recomputeVoters();
      this.pendingSnapshot = snapshot;
    }
    this.send(message({ type: 'append-resp', from: this.config.id, to: m.from, term: this.term, hintIndex: snapshot.index }));
  }

  private handleResponse(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.type === 'heartbeat-resp') {
      if (pr.match < this.log.lastIndex()) {
        pr.probing = true;
        pr.inflight = 0;
        this.sendAppend(m.from, pr);
      }
      return;
    }
    if (m.reject) {
      // Probe backwards: never past what the follower has, never past the rejected index.
      pr.next = Math.max(pr.match + 1, Math.min(m.logIndex, m.hintIndex + 1));
      pr.probing = true;
      pr.inflight = 0;
      this.sendAppend(m.from, pr);
      return;
    }
    if (m.hintIndex > pr.match) pr.match = m.hintIndex;
    pr.next = Math.max(pr.next, pr.match + 1);
    pr.probing = false;
    pr.inflight = Math.max(0, pr.inflight - 1);
    if (this.transferee === m.from && pr.match === this.log.lastIndex()) this.send(message({ type: 'timeout-now', from: this.config.id, to: m.from, term: this.term }));
    if (this.maybeCommit()) this.broadcastAppend();
    else if (pr.next <= this.log.lastIndex()) this.sendAppend(m.from, pr);
  }

  /** Advances the commit index to the highest index a quorum holds, if it is of this term. */
  private maybeCommit(): boolean {
    const matches = [this.log.persistedIndex, ...this.peers.map((p) => this.progress.get(p)?.match ?? 0)].sort((a, b) => b - a);
    const candidate = matches[this.quorum() - 1] ?? 0;
    if (candidate <= this.log.committed) return false;
    // Only entries of the current term are committed by counting (Raft §5.4.2).
    if (this.log.term(candidate) !== this.term && this.faults.commitOlderTermByCounting !== true) return false;
    this.log.commitTo(candidate);
    return true;
  }

  private broadcastAppend(): void {
    for (const [peer, pr] of this.progress) this.sendAppend(peer, pr);
  }

  private broadcastHeartbeat(): void {
    for (const [peer, pr] of this.progress) {
      this.send(message({ type: 'heartbeat', from: this.config.id, to: peer, term: this.term, commit: Math.min(pr.match, this.log.committed) }));
    }
  }

  private sendAppend(peer: string, pr: Progress): void {
    if (pr.inflight >= (pr.probing ? 1 : MAX_INFLIGHT_APPENDS)) return;
    if (pr.next <= this.log.snapshot.index) {
      this.send(message({ type: 'snapshot', from: this.config.id, to: peer, term: this.term, snapshot: this.log.snapshot }));
      pr.next = this.log.snapshot.index + 1;
      pr.inflight++;
      return;
    }
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    assert(prevTerm !== undefined, `leader has the term of ${prevIndex}`);
    const entries = pr.next <= this.log.lastIndex() ? this.log.slice(pr.next, this.log.lastIndex(), this.config.maxEntriesPerAppend ?? MAX_ENTRIES_PER_APPEND) : [];
    if (entries.length === 0 && !pr.probing && pr.inflight > 0) return;
    this.send(message({ type: 'append', from: this.config.id, to: peer, term: this.term, logIndex: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed }));
    pr.inflight++;
    if (entries.length > 0 && !pr.probing) pr.next = entries[entries.length - 1]!.index + 1;
  }

  private send(m: Message): void {
    this.msgs.push(m);
  }

  // ---- output -------------------------------------------------------------------------------

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  hasReady(): boolean {
    const hs = this.hardState();
    return this.msgs.length > 0 || this.pendingSnapshot !== null || this.log.persistedIndex < this.log.lastIndex()
      || this.log.applied < this.log.committed || hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote || hs.commit !== this.prevHardState.commit;
  }

  ready(): RaftReady {
    const hs = this.hardState();
    const changed = hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote || hs.commit !== this.prevHardState.commit;
    const from = Math.max(this.log.persistedIndex + 1, this.log.firstIndex());
    const entries = from <= this.log.lastIndex() ? this.log.slice(from, this.log.lastIndex(), Number.MAX_SAFE_INTEGER) : [];
    const committed = this.log.applied < this.log.committed ? this.log.slice(Math.max(this.log.applied + 1, this.log.firstIndex()), this.log.committed, Number.MAX_SAFE_INTEGER) : [];
    const messages = this.msgs;
    this.msgs = [];
    return {
      hardState: changed ? hs : null,
      entries,
      truncateFrom: Number.isFinite(this.log.dirtyFrom) ? this.log.dirtyFrom : null,
      snapshot: this.pendingSnapshot,
      messages,
      committed,
      lastIndex: this.log.lastIndex(),
      appliedTo: this.log.committed,
    };
  }

  /** The caller persisted `rd`, sent its messages and applied its committed entries. */
  advance(rd: RaftReady): void {
    if (rd.hardState !== null) this.prevHardState = rd.hardState;
    // Messages stepped while the batch was being persisted may have truncated the log again:
    // entries from that point on are new and not yet durable.
    const truncatedSince = Number.isFinite(this.log.dirtyFrom) && (rd.truncateFrom === null || this.log.dirtyFrom < rd.truncateFrom);
    const durableCap = truncatedSince ? this.log.dirtyFrom - 1 : Number.MAX_SAFE_INTEGER;
    this.log.persistedIndex = Math.max(this.log.persistedIndex, Math.min(rd.lastIndex, this.log.lastIndex(), durableCap));
    if (!truncatedSince) this.log.dirtyFrom = Infinity;
    if (rd.snapshot !== null && this.pendingSnapshot === rd.snapshot) this.pendingSnapshot = null;
    this.log.applied = Math.max(this.log.applied, rd.appliedTo);
    // Our own entries became durable: that may complete a quorum.
    if (this.role === 'leader' && this.maybeCommit()) this.broadcastAppend();
  }

  /** Snapshot of the applied state at `index`; entries before it are dropped. */
  compact(index: number, data: Uint8Array): void {
    this.log.compact(index, data, this.votersAt(index));
  }
}

function applyConf(voters: string[], entry: Entry): string[] {
  const conf = entry.conf;
  if (conf === undefined) return voters;
  if (conf.type === 'add-voter') return voters.includes(conf.nodeId) ? voters : [...voters, conf.nodeId].sort();
  return voters.filter((v) => v !== conf.nodeId);
}
