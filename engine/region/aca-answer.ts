// What an Active Cluster Arbitrator (ACA) instance says: which region is active, which one is
// the secondary (passive), and the generation of that decision. Generations only grow: a
// region never acts on an answer older than one it has acted on (see aca-majority.ts).

/** Region ids: the names cluster.yml gives regions, also used in URLs and metrics labels. */
export const REGION_ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** Largest generation accepted: a safe integer, so JSON numbers round-trip exactly. */
export const ACA_GENERATION_MAX = Number.MAX_SAFE_INTEGER;

export interface AcaAnswer {
  readonly active: string;
  readonly secondary: string;
  /** Grows by one with every change an operator or the GitOps file makes. */
  readonly generation: number;
  /**
   * A planned switchover: set only after the active region of the previous generation
   * confirmed that it fenced itself, so the new active need not wait out its lease.
   */
  readonly handoff?: boolean;
}

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

export type AcaAnswerParse = { readonly ok: true; readonly answer: AcaAnswer } | { readonly ok: false; readonly error: string };

/** Validates an answer from the wire or a file; the error names the field and the rule. */
export function parseAcaAnswer(value: unknown): AcaAnswerParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'answer: must be a JSON object with active, secondary and generation' };
  const record = value as Record<string, unknown>;
  for (const field of ['active', 'secondary'] as const) {
    const id = record[field];
    if (typeof id !== 'string' || !REGION_ID_PATTERN.test(id)) return { ok: false, error: `${field}: must be a region id (${REGION_ID_PATTERN.source}), got ${shown(id)}` };
  }
  const generation = record['generation'];
  if (typeof generation !== 'number' || !Number.isInteger(generation) || generation < 0 || generation > ACA_GENERATION_MAX) {
    return { ok: false, error: `generation: must be an integer in 0..${ACA_GENERATION_MAX}, got ${shown(generation)}` };
  }
  if (record['active'] === record['secondary']) return { ok: false, error: `secondary: must differ from active (both are "${String(record['active'])}")` };
  const handoff = record['handoff'];
  if (handoff !== undefined && typeof handoff !== 'boolean') return { ok: false, error: `handoff: must be true or false, got ${shown(handoff)}` };
  return { ok: true, answer: { active: record['active'] as string, secondary: record['secondary'] as string, generation, ...(handoff === true ? { handoff: true } : {}) } };
}

export function sameAnswer(a: AcaAnswer, b: AcaAnswer): boolean {
  return a.generation === b.generation && a.active === b.active && a.secondary === b.secondary && (a.handoff === true) === (b.handoff === true);
}
