import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAcaAnswer, type AcaAnswer } from './aca-answer';
import { decideAcaAnswer, majorityOf } from './aca-majority';

const a1: AcaAnswer = { active: 'region-a', secondary: 'region-b', generation: 1 };
const b2: AcaAnswer = { active: 'region-b', secondary: 'region-a', generation: 2 };

test('a majority of the configured instances decides; unreachable instances count against it', () => {
  assert.deepEqual(decideAcaAnswer([b2, b2, null], a1), { kind: 'adopt', answer: b2 });
  assert.equal(decideAcaAnswer([b2, null, null], a1).kind, 'keep');
  assert.equal(decideAcaAnswer([b2, a1, null], a1).kind, 'keep');
  assert.equal(decideAcaAnswer([null, null, null], a1).kind, 'keep');
  assert.equal(decideAcaAnswer([b2, b2, a1, a1], a1).kind, 'keep', 'two of four is no majority');
  assert.equal(majorityOf(5), 3);
});

test('an older generation never wins, and a changed answer at the same generation is a conflict', () => {
  assert.deepEqual(decideAcaAnswer([a1, a1, a1], b2), { kind: 'keep', reason: 'stale', detail: 'a majority says generation 1, older than generation 2 acted on' });
  const forged: AcaAnswer = { active: 'region-a', secondary: 'region-b', generation: 2 };
  const decision = decideAcaAnswer([forged, forged, forged], b2);
  assert.equal(decision.kind === 'keep' && decision.reason, 'conflict');
  assert.equal(decideAcaAnswer([b2, b2, b2], b2).kind === 'keep' && 'unchanged', 'unchanged');
});

test('property: whatever the answers, the decision never moves to a lower generation and only adopts what a majority said', () => {
  const answer = fc.record({ active: fc.constantFrom('region-a', 'region-b'), generation: fc.integer({ min: 0, max: 4 }) }).map((r) => ({ ...r, secondary: r.active === 'region-a' ? 'region-b' : 'region-a' }));
  fc.assert(fc.property(fc.array(fc.option(answer, { nil: null }), { minLength: 1, maxLength: 7 }), fc.option(answer, { nil: null }), (answers, current) => {
    const decision = decideAcaAnswer(answers, current);
    if (decision.kind !== 'adopt') return;
    const same = answers.filter((a) => a !== null && a.generation === decision.answer.generation && a.active === decision.answer.active).length;
    assert.ok(same >= majorityOf(answers.length));
    if (current !== null) assert.ok(decision.answer.generation > current.generation);
  }), { numRuns: 500 });
});

test('answers from the wire are checked field by field', () => {
  assert.equal(parseAcaAnswer({ active: 'region-a', secondary: 'region-b', generation: 3 }).ok, true);
  const cases: [unknown, string][] = [
    [null, 'answer'], [[], 'answer'], [{ active: 'A!', secondary: 'region-b', generation: 1 }, 'active'],
    [{ active: 'region-a', generation: 1 }, 'secondary'], [{ active: 'region-a', secondary: 'region-b', generation: -1 }, 'generation'],
    [{ active: 'region-a', secondary: 'region-b', generation: 1.5 }, 'generation'], [{ active: 'region-a', secondary: 'region-a', generation: 1 }, 'secondary'],
  ];
  for (const [value, field] of cases) {
    const parsed = parseAcaAnswer(value);
    assert.ok(!parsed.ok && parsed.error.startsWith(`${field}:`), JSON.stringify(parsed));
  }
});
