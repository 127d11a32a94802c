// The controller leader's work on long-running operations, run with each heartbeat: move the
// running operation's slices towards their targets (migration-driver.ts), keep the Raft voters
// right as nodes join and leave (voter-plan.ts), and finish the operation once every slice is
// where it should be and a drained node no longer votes. One proposal in flight at a time.
// With no operation running it also starts the automatic rebalance (auto-rebalance.ts) once the
// cluster has been calm and unbalanced for the settle period.

import { autoRebalanceDecision, autoRebalanceWanted } from '../controller/auto-rebalance';
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
  /** Since when (leader clock) the cluster has been calm and unbalanced, in Raft term `calmTerm`. */
  private calmSinceMs: number | undefined;
  private calmTerm = -1;
  /** autoRebalanceWanted for the state at this applied index (it scans every slice; the state changes only by applying). */
  private wanted = { appliedIndex: -1, wanted: false };

  constructor(private readonly selfId: string, private readonly wallMs: () => number) {}

  run(controller: ControllerHost, state: ControllerState, nowMs: number, isLive: (nodeId: string) => boolean): void {
    const { voters, term } = controller.raftStatus();
    this.manageVoters(controller, state, voters, nowMs, isLive);
    const operation = runningOperation(state);
    if (operation === undefined) {
      this.progress = null;
      this.autoRebalance(controller, state, nowMs, term);
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

  /**
   * Counts how long the cluster has been calm and unbalanced without a break. A new term starts
   * the count afresh (this leader did not watch the time before it), and so does each attempt,
   * so a refused or finished rebalance is not retried before another full settle period.
   */
  private autoRebalance(controller: ControllerHost, state: ControllerState, nowMs: number, term: number): void {
    if (this.wanted.appliedIndex !== state.appliedIndex) this.wanted = { appliedIndex: state.appliedIndex, wanted: autoRebalanceWanted(state) };
    const wanted = this.wanted.wanted;
    if (!wanted || term !== this.calmTerm) {
      this.calmTerm = term;
      this.calmSinceMs = wanted ? nowMs : undefined;
      return;
    }
    this.calmSinceMs ??= nowMs;
    if (this.proposing) return;
    const decision = autoRebalanceDecision(state, nowMs - this.calmSinceMs, this.wallMs());
    if (decision === null) return;
    this.calmSinceMs = nowMs;
    this.proposing = true;
    controller.propose(decision, () => { this.proposing = false; });
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
