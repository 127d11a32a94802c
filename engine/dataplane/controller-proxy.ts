// Controller proposals from the data plane of one node: sent to the controller leader wherever
// it is (forwarded with a deadline when it is another node), and slice reconfigurations from many
// primaries coalesced into one command.

import type { CommandResult, ControllerCommand, SliceChange } from '../controller/commands';
import type { NodeRuntime, TimerId } from '../runtime/runtime';
import { CTL_PROPOSE, CTL_RESULT, type CtlPropose, type CtlResult } from './messages';

/** A forwarded controller proposal with no answer after this long is reported as Timeout. */
export const PROPOSAL_FORWARD_TIMEOUT_MS = 3_000;
/** Coalesce slice reconfigurations for this long into one controller command. */
export const RECONFIGURE_BATCH_MS = 20;

export interface ControllerProxyDeps {
  raftStatus(): { readonly role: string; readonly leaderId: string | null; readonly commitIndex: number } | undefined;
  /** Proposes on this node's controller replica (which must be the leader). */
  proposeLocal(command: ControllerCommand, done: (result: CommandResult) => void): void;
}

export class ControllerProxy {
  private readonly forwarded = new Map<number, { readonly done: (result: CommandResult) => void; readonly timer: TimerId }>();
  private batch: { changes: SliceChange[]; callbacks: Array<(result: CommandResult) => void> } | undefined;
  private nextId = 1;

  constructor(private readonly runtime: NodeRuntime, private readonly deps: ControllerProxyDeps) {}

  /** Slice reconfigurations from many primaries travel as one command. */
  proposeBatched(command: ControllerCommand, done: (result: CommandResult) => void): void {
    if (command.type !== 'slices.reconfigure') {
      this.propose(command, done);
      return;
    }
    if (this.batch === undefined) {
      const batch = { changes: [] as SliceChange[], callbacks: [] as Array<(result: CommandResult) => void> };
      this.batch = batch;
      this.runtime.timers.schedule(RECONFIGURE_BATCH_MS, () => {
        this.batch = undefined;
        this.propose({ type: 'slices.reconfigure', actor: 'system', timeMs: this.runtime.wallClock.epochMs(), changes: batch.changes }, (result) => {
          for (const callback of batch.callbacks) callback(result);
        });
      });
    }
    this.batch.changes.push(...command.changes);
    this.batch.callbacks.push(done);
  }

  /** Proposes through the controller leader, wherever it is. */
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void {
    const status = this.deps.raftStatus();
    const leaderId = status?.leaderId ?? null;
    if (leaderId === null) {
      done({ ok: false, code: 'NoLeader', message: 'the controller has no leader' });
      return;
    }
    if (leaderId === this.runtime.nodeId) {
      this.deps.proposeLocal(command, done);
      return;
    }
    const id = this.nextId++;
    const timer = this.runtime.timers.schedule(PROPOSAL_FORWARD_TIMEOUT_MS, () => {
      if (this.forwarded.delete(id)) done({ ok: false, code: 'Timeout', message: `no answer from controller leader ${leaderId}` });
    });
    this.forwarded.set(id, { done, timer });
    this.runtime.transport.send(leaderId, { kind: CTL_PROPOSE, id, command });
  }

  onForwardedProposal(from: string, message: CtlPropose): void {
    this.deps.proposeLocal(message.command, (result) => this.runtime.transport.send(from, { kind: CTL_RESULT, id: message.id, result }));
  }

  /** The leader's answer to a forwarded proposal. */
  onResult(result: CtlResult): void {
    const waiting = this.forwarded.get(result.id);
    if (waiting === undefined) return;
    this.forwarded.delete(result.id);
    this.runtime.timers.cancel(waiting.timer);
    waiting.done(result.result);
  }
}
