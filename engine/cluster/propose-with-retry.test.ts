import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandResult, ControllerCommand } from '../controller/commands';
import { DEFAULT_SETTINGS } from '../controller/settings';
import { emptyControllerState, type ControllerState } from '../controller/state';
import { SimWorld } from '../sim/sim-world';
import { OPERATOR_PROPOSE_TIMEOUT_MS, PROPOSE_ATTEMPT_MS, proposeWithRetry } from './propose-with-retry';

const command: ControllerCommand = { type: 'rebalance.start', actor: 't', timeMs: 0, reason: 'test' };

/** Runs proposeWithRetry against scripted answers (undefined: the attempt is never answered). */
function run(answers: Array<CommandResult | undefined>, applied?: (state: ControllerState) => boolean, state?: () => ControllerState): { result: CommandResult | undefined; attempts: number } {
  const world = new SimWorld(1);
  let attempts = 0;
  let result: CommandResult | undefined;
  proposeWithRetry({
    clock: { nowMs: () => world.nowMs() }, timers: world.hostTimers,
    propose: (_c, done) => {
      const answer = answers[Math.min(attempts++, answers.length - 1)];
      if (answer !== undefined) world.queue.schedule(world.nowMs() + 1, () => done(answer));
    },
    leaderState: () => state?.(),
  }, command, applied === undefined ? {} : { applied }, (r) => { result = r; });
  world.runFor(OPERATOR_PROPOSE_TIMEOUT_MS + 2 * PROPOSE_ATTEMPT_MS);
  return { result, attempts };
}

const noLeader: CommandResult = { ok: false, code: 'NoLeader', message: 'none' };
const timeout: CommandResult = { ok: false, code: 'Timeout', message: 'slow' };

test('retries while there is no leader, then answers what the leader says', () => {
  const { result, attempts } = run([noLeader, noLeader, { ok: true }]);
  assert.deepEqual(result, { ok: true });
  assert.equal(attempts, 3);
});

test('a refusal for good is answered at once', () => {
  const refused: CommandResult = { ok: false, code: 'Conflict', message: 'busy' };
  const { result, attempts } = run([refused, { ok: true }]);
  assert.deepEqual(result, refused);
  assert.equal(attempts, 1);
});

test('a timeout is not retried without a way to tell whether the command applied', () => {
  const { result, attempts } = run([timeout, { ok: true }]);
  assert.deepEqual(result, timeout);
  assert.equal(attempts, 1);
});

test('with an applied check, a timeout is retried, and a command that applied meanwhile is ok', () => {
  let appliedNow = false;
  const state = (): ControllerState => emptyControllerState(DEFAULT_SETTINGS);
  const { result, attempts } = run([timeout, undefined], () => appliedNow, state);
  assert.equal(attempts >= 2, true, 'retried after the timeout');
  assert.equal(result?.ok, false, 'never applied: the limit ends it');
  appliedNow = true;
  assert.deepEqual(run([timeout], () => appliedNow, state), { result: { ok: true }, attempts: 0 });
});

test('gives up after the limit while no leader appears', () => {
  const { result, attempts } = run([noLeader]);
  assert.deepEqual(result, noLeader);
  assert.ok(attempts > 10);
});
