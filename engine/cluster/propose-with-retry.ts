// Proposing a command as an operator retrying would: while the controller has no leader (an
// election is under way) the command is simply tried again; an answer that leaves open whether it
// applied (a timeout, a leader that stopped or crashed) is retried only when the caller can tell
// from the committed state whether it did (`applied`), so nothing applies twice.

import type { CommandResult, ControllerCommand } from '../controller/commands';
import type { ControllerState } from '../controller/state';
import type { MonotonicClock, Timers } from '../runtime/runtime';

/** Pause between two attempts. */
export const PROPOSE_RETRY_MS = 100;
/** An operator's command is retried this long (then its last answer stands). */
export const OPERATOR_PROPOSE_TIMEOUT_MS = 10_000;
/** One attempt waits this long for an answer (a leader that crashes never gives one). */
export const PROPOSE_ATTEMPT_MS = 6_000;

/** The command was surely not appended: trying again cannot apply it twice. */
const NOT_PROPOSED_CODES: ReadonlySet<string> = new Set(['NoLeader', 'NotLeader']);
/** The command may or may not have applied: retried only with an `applied` check. */
const UNDECIDED_CODES: ReadonlySet<string> = new Set(['Timeout', 'Stopped', 'Busy']);

export interface ProposeDeps {
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  /** One attempt through the current leader (`NoLeader` when there is none). */
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void;
  /** The committed state as the current leader holds it (undefined without a leader). */
  leaderState(): ControllerState | undefined;
}

export interface ProposeRetryOptions {
  /** Whether the committed state shows the command applied (an earlier attempt may have). */
  readonly applied?: (state: ControllerState) => boolean;
  readonly limitMs?: number;
}

export function proposeWithRetry(deps: ProposeDeps, command: ControllerCommand, options: ProposeRetryOptions, done: (result: CommandResult) => void): void {
  const limitMs = options.limitMs ?? OPERATOR_PROPOSE_TIMEOUT_MS;
  const deadlineMs = deps.clock.nowMs() + limitMs;
  const applied = options.applied;
  const appliedNow = (): boolean => {
    const state = deps.leaderState();
    return applied !== undefined && state !== undefined && applied(state);
  };
  const attempt = (): void => {
    if (appliedNow()) {
      done({ ok: true });
      return;
    }
    let answered = false;
    const attemptTimer = deps.timers.schedule(PROPOSE_ATTEMPT_MS, () => {
      if (answered) return;
      answered = true;
      // Without an `applied` check a second attempt could apply the command twice.
      if (applied === undefined) done({ ok: false, code: 'Timeout', message: `no answer within ${PROPOSE_ATTEMPT_MS} ms` });
      else if (deps.clock.nowMs() > deadlineMs) done({ ok: false, code: 'Timeout', message: `not applied within ${limitMs} ms` });
      else attempt();
    });
    deps.propose(command, (result) => {
      if (answered) return;
      answered = true;
      deps.timers.cancel(attemptTimer);
      const retryable = NOT_PROPOSED_CODES.has(result.ok ? '' : result.code) || (applied !== undefined && UNDECIDED_CODES.has(result.ok ? '' : result.code));
      if (result.ok || !retryable || deps.clock.nowMs() > deadlineMs) {
        done(!result.ok && appliedNow() ? { ok: true } : result);
        return;
      }
      deps.timers.schedule(PROPOSE_RETRY_MS, attempt);
    });
  };
  attempt();
}
