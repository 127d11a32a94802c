// Conformance cases for the linearizability checker (docs/TESTING.md): hand-written histories,
// linearizable and not, each of which the checker must classify correctly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHistory, type CheckResult, type KvOperation } from './linearizability';
import { cas, del, get, put } from './history-builder';

function assertLinearizable(history: readonly KvOperation[]): void {
  const result = checkHistory(history);
  assert.deepEqual(result, { ok: true }, result.ok === false ? result.explanation : 'unknown');
}

function assertViolation(history: readonly KvOperation[], key = 'k'): Extract<CheckResult, { ok: false }> {
  const result = checkHistory(history);
  assert.equal(result.ok, false, `expected a violation, got ${JSON.stringify(result)}`);
  assert.equal(result.key, key);
  return result;
}

// ---- linearizable ----

test('empty and sequential histories are linearizable, versions counting 1, 2, 3 through a delete', () => {
  assertLinearizable([]);
  assertLinearizable([
    get('k', null, 0, 5, 'a', 0),
    put('k', 'x', 10, 20, 'a', 1),
    get('k', 'x', 30, 40, 'b', 1),
    cas('k', 1, 'y', true, 50, 60, 'a', 2),
    cas('k', 1, 'z', false, 70, 80, 'b'),
    del('k', 90, 100, 'a', 3),
    get('k', null, 110, 120, 'b', 3),
    cas('k', 'absent', 'w', true, 130, 140, 'b', 4),
    put('k', 'v', 150, 160, 'a', 5),
    get('k', 'v', 170, 180, 'a', 5),
  ]);
});

test('versions are optional per operation: the same history with no version info is checked on values', () => {
  assertLinearizable([put('k', 'x', 0, 10), get('k', 'x', 20, 30), del('k', 40, 50), get('k', null, 60, 70), cas('k', 'absent', 'y', true, 80, 90)]);
});

test('concurrent overlapping writes: a read overlapping both may see either, in either order of the writes', () => {
  const writes = [put('k', 'a', 0, 100, 1), put('k', 'b', 10, 90, 2)];
  assertLinearizable([...writes, get('k', 'a', 20, 30, 3)]);
  assertLinearizable([...writes, get('k', 'b', 20, 30, 3)]);
  // Reads after both writes must agree with each other, whichever won.
  assertLinearizable([...writes, get('k', 'a', 110, 120, 3), get('k', 'a', 130, 140, 4)]);
  assertLinearizable([...writes, get('k', 'b', 110, 120, 3), get('k', 'b', 130, 140, 4)]);
  // With versions: the later of the two writes has version 2.
  assertLinearizable([put('k', 'a', 0, 100, 1, 2), put('k', 'b', 10, 90, 2, 1), get('k', 'a', 110, 120, 3, 2)]);
});

test('a read concurrent with a write may see the old or the new value', () => {
  const base = [put('k', 'old', 0, 10, 1), put('k', 'new', 20, 60, 1)];
  assertLinearizable([...base, get('k', 'old', 30, 40, 2)]);
  assertLinearizable([...base, get('k', 'new', 30, 40, 2)]);
});

test('a timed-out write that later becomes visible is linearizable', () => {
  assertLinearizable([
    put('k', 'a', 0, 10, 1, 1),
    put('k', 'b', 20, null, 1), // no answer
    get('k', 'a', 30, 40, 2, 1), // not yet visible
    get('k', 'b', 500, 510, 2, 2), // visible long after the client gave up
    put('k', 'c', 600, 610, 1, 3),
  ]);
});

test('a timed-out write that never becomes visible is linearizable', () => {
  assertLinearizable([
    put('k', 'a', 0, 10, 1, 1),
    put('k', 'b', 20, null, 1),
    get('k', 'a', 30, 40, 2, 1),
    put('k', 'c', 50, 60, 1, 2), // version 2: the lost write never happened
    get('k', 'c', 500, 510, 2, 2),
  ]);
});

test('a timed-out cas and delete may or may not have taken effect; a get with no answer is dropped', () => {
  assertLinearizable([put('k', 'a', 0, 10, 1, 1), cas('k', 1, 'b', true, 20, null, 1), get('k', 'a', 30, 40, 2), get('k', 'zzz', 45, null, 3)]);
  assertLinearizable([put('k', 'a', 0, 10, 1, 1), cas('k', 1, 'b', true, 20, null, 1), get('k', 'b', 30, 40, 2, 2)]);
  assertLinearizable([put('k', 'a', 0, 10, 1, 1), del('k', 20, null, 1), get('k', null, 30, 40, 2, 2)]);
});

test('touching intervals count as concurrent', () => {
  assertLinearizable([put('k', 'a', 0, 10, 1), get('k', null, 10, 20, 2)]);
});

// ---- not linearizable ----

test('stale read: a read after an acknowledged write returns the old value', () => {
  const r = assertViolation([put('k', '1', 0, 10, 1), put('k', '2', 20, 30, 1), get('k', '1', 40, 50, 2)]);
  assert.match(r.explanation, /Longest linearizable prefix: 2 operation/);
  assert.match(r.explanation, /#2 client 2 get\(\) -> "1" \[40, 50\]/);
  assert.match(r.explanation, /Register then: "2" \(version 2\)/);
});

test('stale read of absent: a read after the first acknowledged write sees nothing', () => {
  assertViolation([put('k', '1', 0, 10, 1), get('k', null, 20, 30, 2)]);
});

test('lost write: an acknowledged write is never visible, later reads see the prior value', () => {
  assertViolation([
    put('k', 'prior', 0, 10, 1),
    put('k', 'acked', 20, 30, 2),
    put('j', 'other', 35, 38, 2),
    get('k', 'prior', 40, 50, 3),
    get('k', 'prior', 60, 70, 1),
  ]);
});

test('non-monotonic read: two sequential reads during a write see new then old', () => {
  assertViolation([
    put('k', 'old', 0, 10, 1),
    put('k', 'new', 20, 100, 1),
    get('k', 'new', 30, 40, 2),
    get('k', 'old', 50, 60, 3),
  ]);
});

test('a timed-out write that was seen cannot vanish again', () => {
  assertViolation([put('k', 'a', 0, 10, 1), put('k', 'b', 20, null, 1), get('k', 'b', 30, 40, 2), get('k', 'a', 50, 60, 2)]);
});

test('double CAS: two CAS with the same expected version both succeed', () => {
  assertViolation([put('k', 'a', 0, 10, 1, 1), cas('k', 1, 'b', true, 20, 40, 1), cas('k', 1, 'c', true, 25, 45, 2)]);
  assertViolation([put('k', 'a', 0, 10, 1, 1), cas('k', 1, 'b', true, 20, 40, 1, 2), cas('k', 1, 'c', true, 25, 45, 2, 2)]);
  // Two creates of an absent key.
  assertViolation([cas('k', 'absent', 'b', true, 0, 40, 1), cas('k', 'absent', 'c', true, 5, 45, 2)]);
});

test('a CAS that failed although its condition held is caught', () => {
  assertViolation([put('k', 'a', 0, 10, 1, 1), cas('k', 1, 'b', false, 20, 30, 1)]);
});

test('wrong version numbers are caught: skipped, repeated, or not continued after a delete', () => {
  assertViolation([put('k', 'a', 0, 10, 1, 1), put('k', 'b', 20, 30, 1, 3)]);
  assertViolation([put('k', 'a', 0, 10, 1, 1), put('k', 'b', 20, 30, 2, 1)]);
  assertViolation([put('k', 'a', 0, 10, 1, 1), del('k', 20, 30, 1, 2), put('k', 'c', 40, 50, 1, 1)]);
  assertViolation([put('k', 'a', 0, 10, 1, 1), get('k', 'a', 20, 30, 2, 2)]);
});

test('keys are checked separately and the violating key is named', () => {
  const r = checkHistory([put('a', '1', 0, 10), put('b', '1', 0, 10), get('a', '1', 20, 30), get('b', null, 20, 30)]);
  assert.equal(r.ok, false);
  assert.equal(r.key, 'b');
});

// ---- limits and input checking ----

test('a search past its work limit answers unknown instead of running on', () => {
  // Many unanswered writes all concurrent, and reads that rule most orders out.
  const history: KvOperation[] = [];
  for (let i = 0; i < 12; i++) history.push(put('k', `v${i}`, 0, null, i));
  for (let i = 0; i < 12; i++) history.push(get('k', `v${11 - i}`, 100 + 10 * i, 105 + 10 * i, 'r'));
  assert.deepEqual(checkHistory(history, { maxSearchStepsPerKey: 50 }), { ok: 'unknown', key: 'k' });
});

test('malformed operations are rejected with an error naming the field', () => {
  assert.throws(() => checkHistory([put('k', 'a', 10, 5)]), /history\[0\]\.returnMs/);
  assert.throws(() => checkHistory([put('k', 'a', Number.NaN, 5)]), /history\[0\]\.callMs/);
  assert.throws(() => checkHistory([get('k', null, 0, 5), { clientId: 1, callMs: 0, returnMs: 3, input: { kind: 'get', key: 'k' }, output: { kind: 'put' } }]), /history\[1\]\.output\.kind/);
  assert.throws(() => checkHistory([{ clientId: 1, callMs: 0, input: { kind: 'get', key: 'k' }, output: { kind: 'get', value: null } }]), /history\[0\]\.output: must be present exactly when returnMs is/);
  assert.throws(() => checkHistory([cas('k', 0, 'a', true, 0, 5)]), /history\[0\]\.input\.expectedVersion/);
  assert.throws(() => checkHistory([put('k', 'a', 0, 5, 1, -1)]), /history\[0\]\.output\.version/);
  assert.throws(() => checkHistory([], { maxSearchStepsPerKey: 0 }), /maxSearchStepsPerKey/);
});
