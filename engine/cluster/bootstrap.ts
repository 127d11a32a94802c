// Bootstrapping a new cluster's controller: wait for a leader, then propose the `bootstrap`
// command to it. The command is proposed again to each new leader (or term) until it applies: a
// leader can lose its proposal by failing or stepping down before committing it (seeds 20003139,
// 20006803), and a second bootstrap is refused harmlessly. A resumed cluster finds its id at once.

import type { BootstrapCommand, CommandResult } from '../controller/commands';
import type { TesseraNode } from '../node/tessera-node';
import type { MonotonicClock, Timers } from '../runtime/runtime';

/** How often bootstrapping looks for a leader and its state. */
export const BOOTSTRAP_POLL_MS = 25;
/** How long start-up waits for the controller to elect a leader and bootstrap. */
export const CONTROLLER_READY_TIMEOUT_MS = 20_000;

/** Answers after which the same command may be proposed again (to this or the next leader). */
const RETRY_CODES: ReadonlySet<string> = new Set(['NoLeader', 'NotLeader', 'Timeout', 'Stopped', 'Busy']);

export interface BootstrapDeps {
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  /** The node whose controller replica leads now, if any. */
  leader(): TesseraNode | undefined;
}

export interface BootstrapRun {
  /** Stops polling (the process is closing); `done` is not called. */
  cancel(): void;
}

/**
 * Runs until the leader's state is the cluster `clusterId` (done with ok), another cluster's
 * (`WrongCluster`), a proposal is refused for good, or `limitMs` passes (`NoLeader`).
 * `makeCommand` builds each attempt's command (its time and container seeds are chosen then).
 */
export function bootstrapController(deps: BootstrapDeps, clusterId: string, makeCommand: () => BootstrapCommand, limitMs: number, done: (result: CommandResult) => void): BootstrapRun {
  let proposedTo: string | undefined;
  let finished = false;
  let timer: number | undefined;
  const deadlineMs = deps.clock.nowMs() + limitMs;
  const finish = (result: CommandResult): void => {
    if (finished) return;
    finished = true;
    if (timer !== undefined) deps.timers.cancel(timer);
    done(result);
  };
  const poll = (): void => {
    timer = undefined;
    if (finished) return;
    if (deps.clock.nowMs() >= deadlineMs) {
      finish({ ok: false, code: 'NoLeader', message: `the controller did not elect a leader and bootstrap within ${limitMs} ms` });
      return;
    }
    // The next poll is due whatever happens below; finishing cancels it.
    timer = deps.timers.schedule(BOOTSTRAP_POLL_MS, poll);
    const leader = deps.leader();
    const state = leader?.controllerState();
    if (leader !== undefined && state !== undefined) {
      if (state.clusterId === clusterId) {
        finish({ ok: true });
        return;
      }
      if (state.clusterId !== null) {
        finish({ ok: false, code: 'WrongCluster', message: `the controller belongs to cluster ${state.clusterId}, not ${clusterId}` });
        return;
      }
      const status = leader.getController()?.raftStatus();
      const target = `${status?.id ?? ''}@${status?.term ?? 0}`;
      if (proposedTo !== target) {
        proposedTo = target;
        leader.propose(makeCommand(), (result) => {
          if (result.ok || result.code === 'AlreadyBootstrapped') return;
          // Refused or timed out while this leader still leads: propose again at the next poll.
          if (RETRY_CODES.has(result.code)) {
            if (proposedTo === target) proposedTo = undefined;
            return;
          }
          finish({ ok: false, code: result.code, message: `bootstrap failed: ${result.message}` });
        });
      }
    }
  };
  poll();
  return { cancel: () => { finished = true; if (timer !== undefined) deps.timers.cancel(timer); } };
}
