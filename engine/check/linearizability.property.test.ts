// Property tests for the linearizability checker: histories produced by running the sequential
// model with random concurrency windows are always linearizable, and any change to a completed
// read's answer in a sequential history is caught. Also times a 300-op, 5-client key (reported,
// not asserted: timing goals are benchmarks).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { checkHistory, type KvOperation } from './linearizability';
import { INITIAL_KEY_STATE, stepKey, type KeyState, type KvInput, type KvOutput } from './kv-model';

interface PlannedOp {
  readonly clientId: number;
  readonly key: string;
  readonly kind: 'put' | 'get' | 'cas' | 'delete';
  /** For cas: expect the current version, 'absent', or a wrong version. */
  readonly casExpect: 'current' | 'absent' | 'wrong';
  readonly thinkMs: number;
  readonly durationMs: number;
  /** Where in [call, return] the op takes effect, as a fraction. */
  readonly pointFraction: number;
  readonly noAnswer: boolean;
  /** For an op without an answer: whether it took effect at all. */
  readonly tookEffect: boolean;
  readonly reportVersion: boolean;
}

const plannedOp = (clients: number, keys: readonly string[]): fc.Arbitrary<PlannedOp> => fc.record({
  clientId: fc.integer({ min: 0, max: clients - 1 }),
  key: fc.constantFrom(...keys),
  kind: fc.constantFrom('put', 'get', 'get', 'cas', 'delete'),
  casExpect: fc.constantFrom('current', 'absent', 'wrong'),
  thinkMs: fc.integer({ min: 0, max: 20 }),
  durationMs: fc.integer({ min: 0, max: 60 }),
  pointFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  noAnswer: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))).chain((b) => (b ? fc.boolean() : fc.constant(false))),
  tookEffect: fc.boolean(),
  reportVersion: fc.boolean(),
});

/** Output with the version left out when the plan says so. */
function withoutVersion(output: KvOutput): KvOutput {
  switch (output.kind) {
    case 'get': return { kind: 'get', value: output.value };
    case 'cas': return output.ok ? { kind: 'cas', ok: true } : output;
    case 'put': return { kind: 'put' };
    case 'delete': return { kind: 'delete' };
  }
}

function outputFor(input: KvInput, before: KeyState, after: KeyState): KvOutput {
  switch (input.kind) {
    case 'put': return { kind: 'put', version: after.version };
    case 'delete': return { kind: 'delete', version: after.version };
    case 'get': return { kind: 'get', value: before.value, version: before.version };
    case 'cas': return after === before ? { kind: 'cas', ok: false } : { kind: 'cas', ok: true, version: after.version };
  }
}

/**
 * Each client issues its planned ops one after another (think, call, wait for the answer or a
 * timeout); every op takes effect at a point inside its window (an op without an answer at a
 * point after its call, or never). Replaying the ops in order of those points on the model gives
 * the answers. Cas expectations are resolved against the state at the op's point.
 */
function runSequentialModel(plan: readonly PlannedOp[], clientTimeoutMs = 200): KvOperation[] {
  const clientClockMs = new Map<number, number>();
  const timed = plan.map((p, index) => {
    const callMs = (clientClockMs.get(p.clientId) ?? 0) + p.thinkMs;
    const returnMs = callMs + p.durationMs;
    const effective = !p.noAnswer || p.tookEffect;
    // A timed-out op may take effect long after the client gave up.
    const pointMs = p.noAnswer ? callMs + p.pointFraction * 3 * clientTimeoutMs : callMs + p.pointFraction * p.durationMs;
    clientClockMs.set(p.clientId, p.noAnswer ? callMs + clientTimeoutMs : returnMs);
    return { p, index, callMs, returnMs, pointMs, effective };
  });
  const states = new Map<string, KeyState>();
  const out: Array<KvOperation | null> = plan.map(() => null);
  for (const t of [...timed].sort((a, b) => a.pointMs - b.pointMs || a.index - b.index)) {
    const { p } = t;
    const before = states.get(p.key) ?? INITIAL_KEY_STATE;
    const input: KvInput = p.kind === 'put' ? { kind: 'put', key: p.key, value: `v${t.index}` }
      : p.kind === 'get' ? { kind: 'get', key: p.key }
      : p.kind === 'delete' ? { kind: 'delete', key: p.key }
      : { kind: 'cas', key: p.key, value: `v${t.index}`, expectedVersion: p.casExpect === 'absent' ? 'absent' : p.casExpect === 'wrong' ? before.version + 7 : before.value === null ? 'absent' : before.version };
    if (p.noAnswer) {
      if (t.effective) states.set(p.key, stepKey(before, input, undefined)!);
      out[t.index] = { clientId: p.clientId, callMs: t.callMs, input };
      continue;
    }
    const after = stepKey(before, input, undefined)!;
    states.set(p.key, after);
    const output = outputFor(input, before, after);
    out[t.index] = { clientId: p.clientId, callMs: t.callMs, returnMs: t.returnMs, input, output: p.reportVersion ? output : withoutVersion(output) };
  }
  return out.map((op) => op!);
}

test('histories from the sequential model with random concurrency windows are linearizable', () => {
  fc.assert(fc.property(fc.array(plannedOp(5, ['a', 'b', 'c']), { maxLength: 80 }), (plan) => {
    const history = runSequentialModel(plan);
    const result = checkHistory(history);
    assert.deepEqual(result, { ok: true }, result.ok === false ? result.explanation : JSON.stringify(result));
  }), { numRuns: 300 });
});

test('changing a completed read in a sequential history is caught', () => {
  // Sequential: one client, every op answered, so each read's answer is fully determined.
  const sequentialOp = plannedOp(1, ['a', 'b']).map((p) => ({ ...p, noAnswer: false, thinkMs: p.thinkMs + 1 }));
  fc.assert(fc.property(
    fc.array(sequentialOp, { minLength: 1, maxLength: 40 }),
    fc.nat(),
    fc.constantFrom('value', 'version'),
    (plan, pick, what) => {
      const history = runSequentialModel(plan);
      const reads = history.flatMap((op, i) => (op.output?.kind === 'get' ? [i] : []));
      fc.pre(reads.length > 0);
      const i = reads[pick % reads.length]!;
      const op = history[i]!;
      assert(op.output?.kind === 'get');
      const read = op.output;
      if (what === 'version') fc.pre(read.version !== undefined);
      const mutated: KvOutput = what === 'version'
        ? { kind: 'get', value: read.value, version: read.version! + 1 }
        : { kind: 'get', value: read.value === null ? 'not-written' : null, ...(read.version === undefined ? {} : { version: read.version }) };
      const result = checkHistory(history.map((o, j) => (j === i ? { ...o, output: mutated } : o)));
      assert.equal(result.ok, false, `mutating read #${i} (${what}) was not caught`);
    },
  ), { numRuns: 300 });
});

test('a 300-op, 5-client history on one key checks quickly (time reported)', (t) => {
  const plan = fc.sample(fc.array(plannedOp(5, ['hot']), { minLength: 300, maxLength: 300 }), { seed: 42, numRuns: 3 });
  for (const ops of plan) {
    const history = runSequentialModel(ops);
    const unanswered = history.filter((op) => op.output === undefined).length;
    const startMs = performance.now();
    const result = checkHistory(history);
    const elapsedMs = performance.now() - startMs;
    assert.deepEqual(result, { ok: true });
    t.diagnostic(`300 ops (${unanswered} without an answer), 5 clients, one key: ${elapsedMs.toFixed(1)} ms`);
  }
});
