// Runs the controller state machine on Raft inside one node: drives ticks from the runtime's
// timers, feeds Raft messages from the transport, persists each Ready batch before sending its
// messages, applies committed commands, and answers proposals once their entry is applied.
// Only one Ready batch is in flight at a time, which keeps persistence ordered.

import type { Envelope, NodeRuntime, TimerId } from '../runtime/runtime';
import { assert } from '../util/assert';
import { applyCommand, type ControllerCanaries, type Placement } from './apply';
import type { CommandResult, ControllerCommand } from './commands';
import type { RaftPort, RaftReadyBatch } from './raft-port';
import { DEFAULT_SETTINGS } from './settings';
import { emptyControllerState, normalizeState, type ControllerState } from './state';
import { validateCommand } from './validate-command';

export const RAFT_MESSAGE_KIND = 'raft';
/** Proposals waiting for their entry to apply; more are refused with Busy. */
export const PENDING_PROPOSALS_MAX = 1024;
/** A proposal not applied within this long is answered Timeout (it may still apply later). */
export const PROPOSAL_TIMEOUT_MS = 5_000;
/** Take a snapshot and compact the log after this many applied entries. */
export const SNAPSHOT_EVERY_ENTRIES = 1_000;

interface Proposal {
  readonly id: string;
  readonly done: (result: CommandResult) => void;
  readonly timer: TimerId;
}

interface ProposalEnvelope {
  readonly proposalId: string;
  readonly command: ControllerCommand;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ControllerHost {
  private current: ControllerState = emptyControllerState(DEFAULT_SETTINGS);
  private readonly pending = new Map<string, Proposal>();
  private nextProposal = 1;
  private tickTimer: TimerId | undefined;
  private inFlight = false;
  private stopped = false;
  /** Why the controller stopped on its own (its disk failed), or null. */
  failure: string | null = null;
  private appliedSinceSnapshot = 0;
  /** Raft term of the last entry applied: once it is the leader's own, its state holds every committed entry. */
  private appliedTerm = 0;
  private readonly appliedListeners: Array<(state: ControllerState) => void> = [];

  constructor(
    private readonly runtime: NodeRuntime,
    private readonly raft: RaftPort,
    private readonly placement: Placement,
    private readonly tickMs: number,
    initialState?: ControllerState,
    private readonly canaries: ControllerCanaries = {},
  ) {
    if (initialState !== undefined) this.current = initialState;
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.raft.tick();
      this.drain();
      this.tickTimer = this.runtime.timers.schedule(this.tickMs, loop);
    };
    this.tickTimer = this.runtime.timers.schedule(this.tickMs, loop);
  }

  stop(): void {
    this.stopped = true;
    if (this.tickTimer !== undefined) this.runtime.timers.cancel(this.tickTimer);
    for (const proposal of this.pending.values()) {
      this.runtime.timers.cancel(proposal.timer);
      proposal.done({ ok: false, code: 'Stopped', message: 'the node is stopping' });
    }
    this.pending.clear();
  }

  state(): ControllerState {
    return this.current;
  }

  raftStatus(): ReturnType<RaftPort['status']> {
    return this.raft.status();
  }

  /** A stopped replica (its disk failed) is no leader, whatever its frozen Raft state says. */
  isLeader(): boolean {
    return !this.stopped && this.raft.status().role === 'leader';
  }

  /** Raft membership: one voter added or removed (the leader only). Returns why not, or null. */
  proposeConfChange(change: { readonly type: 'add-voter' | 'remove-voter'; readonly nodeId: string }): string | null {
    return this.raft.proposeConfChange(change);
  }

  transferLeadership(to: string): string | null {
    return this.raft.transferLeadership(to);
  }

  /** Every data node follows the log; those that do not vote are Raft learners. */
  followTopology(nodeIds: readonly string[]): void {
    this.raft.setLearners(nodeIds);
  }

  onApplied(listener: (state: ControllerState) => void): void {
    this.appliedListeners.push(listener);
  }

  /** Consumes Raft messages; returns false for messages of other subsystems. */
  receive(envelope: Envelope): boolean {
    const message = envelope.message as { kind?: unknown; payload?: unknown } | null;
    if (message?.kind !== RAFT_MESSAGE_KIND) return false;
    if (this.stopped) return true;
    this.raft.step(message.payload);
    this.drain();
    return true;
  }

  /**
   * Proposes a command; `done` runs once it is applied (with its result) or refused. A command
   * the leader's state already refuses (validateCommand, the check apply runs first) never enters
   * the log: the caller hears the refusal at once. A new leader that has not applied an entry of
   * its own term may not have applied everything committed yet: it checks the fields only.
   */
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void {
    if (this.stopped) {
      done({ ok: false, code: 'Stopped', message: 'the controller replica is stopped' });
      return;
    }
    const status = this.raft.status();
    if (status.role !== 'leader') {
      done({ ok: false, code: 'NotLeader', message: status.leaderId === null ? 'no controller leader yet' : `the controller leader is ${status.leaderId}` });
      return;
    }
    const rejection = validateCommand(status.term === this.appliedTerm ? this.current : null, command);
    if (rejection !== null) {
      done(rejection);
      return;
    }
    if (this.pending.size >= PENDING_PROPOSALS_MAX) {
      done({ ok: false, code: 'Busy', message: `more than ${PENDING_PROPOSALS_MAX} proposals pending` });
      return;
    }
    const id = `${this.runtime.nodeId}:${this.nextProposal++}`;
    const body: ProposalEnvelope = { proposalId: id, command };
    if (!this.raft.propose(encoder.encode(JSON.stringify(body)))) {
      done({ ok: false, code: 'NotLeader', message: 'leadership changed while proposing' });
      return;
    }
    const timer = this.runtime.timers.schedule(PROPOSAL_TIMEOUT_MS, () => {
      if (this.pending.delete(id)) done({ ok: false, code: 'Timeout', message: `not applied within ${PROPOSAL_TIMEOUT_MS} ms (it may still apply)` });
    });
    this.pending.set(id, { id, done, timer });
    this.drain();
  }

  private drain(): void {
    if (this.inFlight || this.stopped) return;
    const batch = this.raft.ready();
    if (batch === null) return;
    this.inFlight = true;
    batch.persist((error) => {
      if (this.stopped) return;
      if (error !== null) {
        // Without durable Raft state this node must not speak: stop rather than risk a double vote.
        this.runtime.log.error(`raft persistence failed, controller stopping: ${error}`);
        this.failure = `raft persistence failed: ${error}`;
        this.stop();
        return;
      }
      this.afterPersist(batch);
    });
  }

  private afterPersist(batch: RaftReadyBatch): void {
    for (const { to, message } of batch.messages) this.runtime.transport.send(to, { kind: RAFT_MESSAGE_KIND, payload: message });
    if (batch.snapshot !== null) {
      this.current = normalizeState(JSON.parse(decoder.decode(batch.snapshot.data)) as ControllerState);
      this.appliedSinceSnapshot = 0;
    }
    let applied = false;
    for (const entry of batch.committed) {
      if (entry.index <= this.current.appliedIndex) continue;
      this.appliedTerm = entry.term;
      if (entry.data === null || entry.data.length === 0) {
        this.current = { ...this.current, appliedIndex: entry.index };
        continue;
      }
      const body = JSON.parse(decoder.decode(entry.data)) as ProposalEnvelope;
      const outcome = applyCommand(this.current, body.command, entry.index, this.placement, this.canaries);
      assert(outcome.state.appliedIndex === entry.index, 'applied index follows the log');
      this.current = outcome.state;
      applied = true;
      this.appliedSinceSnapshot++;
      const proposal = this.pending.get(body.proposalId);
      if (proposal !== undefined) {
        this.pending.delete(body.proposalId);
        this.runtime.timers.cancel(proposal.timer);
        proposal.done(outcome.result);
      }
    }
    this.raft.advance();
    if (this.appliedSinceSnapshot >= SNAPSHOT_EVERY_ENTRIES) {
      this.raft.compact(this.current.appliedIndex, encoder.encode(JSON.stringify(this.current)));
      this.appliedSinceSnapshot = 0;
    }
    this.inFlight = false;
    if (applied) for (const listener of this.appliedListeners) listener(this.current);
    this.drain();
  }
}
