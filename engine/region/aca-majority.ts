// Which ACA answer a region acts on. Several ACA instances run so that none is a single point
// of failure; a region polls all of them and acts only on an answer a strict majority of the
// configured instances gave, identically. Two majorities always share an instance, and an
// instance's generation never goes backwards, so a majority answer at generation g+1 was given
// after every majority answer at g: acting on majorities orders the decisions. An older
// generation never replaces a newer one, and with no majority (instances unreachable or still
// being updated one by one) the region keeps what it had.

import { sameAnswer, type AcaAnswer } from './aca-answer';

export type AcaDecision =
  | { readonly kind: 'adopt'; readonly answer: AcaAnswer }
  | { readonly kind: 'keep'; readonly reason: 'no-majority' | 'unchanged' | 'stale' | 'conflict'; readonly detail: string };

export function majorityOf(instances: number): number {
  return Math.floor(instances / 2) + 1;
}

/**
 * `answers` has one entry per configured instance: its answer, or null when it did not answer
 * (unreachable, timed out, invalid). `current` is the answer the region acts on now, if any.
 */
export function decideAcaAnswer(answers: readonly (AcaAnswer | null)[], current: AcaAnswer | null): AcaDecision {
  const needed = majorityOf(answers.length);
  const groups: { answer: AcaAnswer; count: number }[] = [];
  for (const answer of answers) {
    if (answer === null) continue;
    const group = groups.find((g) => sameAnswer(g.answer, answer));
    if (group === undefined) groups.push({ answer, count: 1 });
    else group.count++;
  }
  const winner = groups.find((g) => g.count >= needed);
  const reachable = answers.filter((a) => a !== null).length;
  if (winner === undefined) {
    return { kind: 'keep', reason: 'no-majority', detail: `no answer given by ${needed} of ${answers.length} instances (${reachable} answered, ${groups.length} distinct answers)` };
  }
  const answer = winner.answer;
  if (current === null) return { kind: 'adopt', answer };
  if (answer.generation < current.generation) {
    return { kind: 'keep', reason: 'stale', detail: `a majority says generation ${answer.generation}, older than generation ${current.generation} acted on` };
  }
  if (answer.generation === current.generation) {
    if (sameAnswer(answer, current)) return { kind: 'keep', reason: 'unchanged', detail: `generation ${answer.generation}` };
    // Same generation, different content: an instance was reset or edited by hand. Acting on it
    // could name two actives for one generation; keep what we have and say so loudly.
    return { kind: 'keep', reason: 'conflict', detail: `generation ${answer.generation} names active ${answer.active}, but the same generation named ${current.active} before` };
  }
  return { kind: 'adopt', answer };
}
