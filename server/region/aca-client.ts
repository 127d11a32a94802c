// Talking to every ACA instance: one poll asks them all at once within a timeout (an
// instance that does not answer in time counts as no answer), and a change is sent to every
// instance with the next generation. Used by regions (their poller) and by `tessera aca`.

import { parseAcaAnswer, type AcaAnswer } from '../../engine/region/aca-answer';
import { decideAcaAnswer, majorityOf, type AcaDecision } from '../../engine/region/aca-majority';

/** A poll gives up on an instance after this long: it counts as no answer. */
export const ACA_POLL_TIMEOUT_MS = 1_000;
/** The most instances a region polls (an odd handful is plenty). */
export const ACA_INSTANCES_MAX = 9;

export interface InstanceAnswer {
  readonly url: string;
  readonly answer: AcaAnswer | null;
  readonly error?: string;
}

export async function pollInstance(url: string, timeoutMs = ACA_POLL_TIMEOUT_MS): Promise<InstanceAnswer> {
  try {
    const response = await fetch(new URL('/v1/aca', url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { url, answer: null, error: `HTTP ${response.status}` };
    const parsed = parseAcaAnswer(await response.json());
    return parsed.ok ? { url, answer: parsed.answer } : { url, answer: null, error: parsed.error };
  } catch (error) {
    return { url, answer: null, error: (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message };
  }
}

export async function pollAll(urls: readonly string[], timeoutMs = ACA_POLL_TIMEOUT_MS): Promise<InstanceAnswer[]> {
  if (urls.length === 0 || urls.length > ACA_INSTANCES_MAX) throw new RangeError(`servers: between 1 and ${ACA_INSTANCES_MAX} ACA instances, got ${urls.length}`);
  return Promise.all(urls.map((url) => pollInstance(url, timeoutMs)));
}

export function majorityView(answers: readonly InstanceAnswer[]): AcaDecision {
  return decideAcaAnswer(answers.map((a) => a.answer), null);
}

export interface SetResult {
  readonly answer: AcaAnswer;
  readonly accepted: readonly string[];
  readonly refused: readonly { url: string; error: string }[];
  readonly majority: boolean;
}

/**
 * Names `active` (and `secondary`) at the next generation on every instance: one above the
 * newest generation any reachable instance holds. Succeeds when a majority accepted it.
 */
export interface SetOptions {
  /** A planned switchover: the previous active confirmed it fenced itself at `fencedGeneration`. */
  readonly handoffFrom?: { readonly fencedGeneration: number };
  readonly timeoutMs?: number;
}

export async function setActive(urls: readonly string[], active: string, secondary: string, token: string, options: SetOptions = {}): Promise<SetResult> {
  const timeoutMs = options.timeoutMs ?? ACA_POLL_TIMEOUT_MS;
  const polled = await pollAll(urls, timeoutMs);
  const generations = polled.flatMap((p) => (p.answer === null ? [] : [p.answer.generation]));
  if (generations.length < majorityOf(urls.length)) {
    throw new Error(`only ${generations.length} of ${urls.length} ACA instances answered; a change needs ${majorityOf(urls.length)}`);
  }
  const newest = Math.max(...generations);
  const fenced = options.handoffFrom?.fencedGeneration;
  // A handoff is only true of the generation that was fenced: if the arbitrators moved on
  // meanwhile, the fence says nothing about the newer active, so this must not claim it.
  if (fenced !== undefined && newest !== fenced) throw new Error(`the old active fenced generation ${fenced}, but the arbitrators are at generation ${newest}: no handoff; run an ordinary set`);
  const answer: AcaAnswer = { active, secondary, generation: newest + 1, ...(fenced === undefined ? {} : { handoff: true }) };
  const accepted: string[] = [];
  const refused: { url: string; error: string }[] = [];
  await Promise.all(urls.map(async (url) => {
    try {
      const response = await fetch(new URL('/v1/aca', url), {
        method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(answer), signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) accepted.push(url);
      else refused.push({ url, error: `HTTP ${response.status}: ${((await response.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? ''}` });
    } catch (error) {
      refused.push({ url, error: (error as Error).message });
    }
  }));
  return { answer, accepted, refused, majority: accepted.length >= majorityOf(urls.length) };
}
