// The controller leader's work on long-running operations, run with each heartbeat: move the
// running operation's slices towards their targets (migration-driver.ts), keep the Raft voters
// right as nodes join and leave (voter-plan.ts), and finish the operation once every slice is
// where it should be and a drained node no longer votes. One proposal in flight at a time.

import type { ControllerHost } from '../controller/controller-host';
import { nextMigrationChanges, type MigrationProgress } from '../controller/migration-driver';
import { runningOperation, type ControllerState } from '../controller/state';
import { nextVoterStep } from '../controller/voter-plan';

/** Wait this long after a refused membership step before trying again. */
export const VOTER_RETRY_MS = 1_000;

export class OperationRunner {
  private proposing = false;
  private voterStepAtMs = Number.NEGATIVE_INFINITY;
  /** The leader's latest view of the running operation's progress (for status pages). */
  progress: (MigrationProgress & { readonly operationId: string }) | null = null;

  constructor(private readonly selfId: string, private readonly wallMs: () => number) {}

  run(controller: ControllerHost, state: ControllerState, nowMs: number, isLive: (nodeId: string) => boolean): void {
    const voters = controller.raftStatus().voters;
    this.manageVoters(controller, state, voters, nowMs, isLive);
    const operation = runningOperation(state);
    if (operation === undefined) {
      this.progress = null;
      return;
    }
    const decision = nextMigrationChanges(state, operation, isLive);
    this.progress = { ...decision.progress, operationId: operation.id };
    if (this.proposing) return;
    if (decision.changes.length > 0) {
      this.proposing = true;
      controller.propose({ type: 'slices.reconfigure', actor: 'system', timeMs: this.wallMs(), changes: decision.changes }, () => { this.proposing = false; });
      return;
    }
    // A drained node must have given up its vote before the operation ends and it leaves.
    const stillVoting = operation.kind === 'decommission' && operation.nodes.some((id) => voters.includes(id));
    if (decision.complete && !stillVoting) {
      this.proposing = true;
      controller.propose({ type: 'operation.finish', actor: 'system', timeMs: this.wallMs(), operationId: operation.id, reason: 'every slice reached its target' }, () => { this.proposing = false; });
    }
  }

  private manageVoters(controller: ControllerHost, state: ControllerState, voters: readonly string[], nowMs: number, isLive: (nodeId: string) => boolean): void {
    if (nowMs - this.voterStepAtMs < VOTER_RETRY_MS) return;
    const step = nextVoterStep(state, voters, this.selfId, isLive);
    if (step === null) return;
    this.voterStepAtMs = nowMs;
    if (step.type === 'transfer-leadership') controller.transferLeadership(step.to);
    else controller.proposeConfChange(step);
  }
}
