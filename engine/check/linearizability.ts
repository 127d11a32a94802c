// Linearizability checker for key-value register histories (Wing & Gong's search with Lowe's
// memoisation, as Porcupine does it). Used by the simulator and the failover drills to prove
// "0 linearizability violations": a history of client operations is linearizable when every
// operation can be given one instant between its call and its return such that replaying them
// in that order on the sequential model (kv-model.ts) gives exactly the answers clients saw.
//
// - P-compositionality: a register history is linearizable iff each key's sub-history is, so
//   keys are checked one by one (far smaller searches).
// - Operations without an answer (timed out) may have taken effect at any instant after their
//   call, or never: their return time is +Infinity and the model accepts any effect, so the
//   search may place them anywhere after the call, including after everything observed (= never).
//   A get without an answer observes nothing and is dropped.
// - Operations that definitely failed without effect (refused before doing anything) are not
//   part of the history: the caller leaves them out.
// - Touching intervals (one returns at t, another is called at t) count as concurrent, so the
//   checker never reports a violation that depends on a tie.
// - The search is bounded by a named work limit; past it the key's answer is 'unknown'.

import { assert } from '../util/assert';
import { describeKeyState, INITIAL_KEY_STATE, keyStateId, stepKey, type KeyState, type KvInput, type KvOutput } from './kv-model';

export interface KvOperation {
  readonly clientId: string | number;
  /** Virtual ms when the client sent the call. */
  readonly callMs: number;
  /** Virtual ms when the answer arrived; absent when there was none (timeout, lost). */
  readonly returnMs?: number;
  readonly input: KvInput;
  /** Absent exactly when `returnMs` is absent. */
  readonly output?: KvOutput;
}

export type CheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly key: string; readonly explanation: string }
  | { readonly ok: 'unknown'; readonly key: string };

/**
 * Search steps allowed per key (one step = one attempt to linearize a candidate, or one
 * backtrack). A 300-op, 5-client key needs a few thousand; pathological histories (many
 * operations without an answer, all concurrent) can need exponentially many.
 */
export const DEFAULT_MAX_SEARCH_STEPS_PER_KEY = 2_000_000;
/** How many operations of the longest linearizable prefix the explanation lists, at most. */
export const EXPLANATION_MAX_PREFIX_OPS = 20;

export interface CheckOptions {
  readonly maxSearchStepsPerKey?: number;
}

/** Throws an Error naming the field when an operation is malformed. */
export function validateOperation(op: KvOperation, index: number): void {
  const where = `history[${index}]`;
  if (!Number.isFinite(op.callMs)) throw new Error(`${where}.callMs: must be a finite number (found ${op.callMs})`);
  if (op.returnMs !== undefined && !(Number.isFinite(op.returnMs) && op.returnMs >= op.callMs)) {
    throw new Error(`${where}.returnMs: must be a finite number ≥ callMs ${op.callMs} (found ${op.returnMs})`);
  }
  if ((op.returnMs === undefined) !== (op.output === undefined)) {
    throw new Error(`${where}.output: must be present exactly when returnMs is (returnMs ${op.returnMs ?? 'absent'}, output ${op.output === undefined ? 'absent' : 'present'})`);
  }
  if (op.output !== undefined && op.output.kind !== op.input.kind) {
    throw new Error(`${where}.output.kind: must match input.kind '${op.input.kind}' (found '${op.output.kind}')`);
  }
  if (op.input.kind === 'cas' && op.input.expectedVersion !== 'absent' && !(Number.isInteger(op.input.expectedVersion) && op.input.expectedVersion >= 1)) {
    throw new Error(`${where}.input.expectedVersion: must be 'absent' or an integer ≥ 1 (found ${op.input.expectedVersion})`);
  }
  const version = op.output !== undefined && 'version' in op.output ? op.output.version : undefined;
  if (version !== undefined && !(Number.isInteger(version) && version >= 0)) {
    throw new Error(`${where}.output.version: must be an integer ≥ 0 (found ${version})`);
  }
}

/** Checks a whole history, key by key, in order of first appearance. A violation wins over 'unknown'. */
export function checkHistory(history: readonly KvOperation[], options: CheckOptions = {}): CheckResult {
  const maxSteps = options.maxSearchStepsPerKey ?? DEFAULT_MAX_SEARCH_STEPS_PER_KEY;
  if (!(Number.isInteger(maxSteps) && maxSteps > 0)) throw new Error(`maxSearchStepsPerKey: must be a positive integer (found ${maxSteps})`);
  const byKey = new Map<string, KvOperation[]>();
  history.forEach((op, index) => {
    validateOperation(op, index);
    if (op.input.kind === 'get' && op.output === undefined) return; // observed nothing
    const ops = byKey.get(op.input.key);
    if (ops === undefined) byKey.set(op.input.key, [op]);
    else ops.push(op);
  });
  let unknownKey: string | null = null;
  for (const [key, ops] of byKey) {
    const result = checkKey(key, ops, maxSteps);
    if (result.ok === false) return result;
    if (result.ok === 'unknown' && unknownKey === null) unknownKey = key;
  }
  return unknownKey === null ? { ok: true } : { ok: 'unknown', key: unknownKey };
}

// ---- the search, one key ----

/** A node of the doubly linked list of call and return events, in time order. */
interface Entry {
  readonly isCall: boolean;
  readonly opIndex: number;
  readonly timeMs: number;
  /** For a call entry: its return entry. */
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

/** Removes a call entry and its return entry from the list (the op is linearized). */
function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

/** Undoes lift: both entries' own prev/next pointers were left intact, so they relink. */
function unlift(call: Entry): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next !== null) call.next.prev = call;
}

function buildList(ops: readonly KvOperation[]): Entry {
  const events: Entry[] = [];
  ops.forEach((op, opIndex) => {
    const call: Entry = { isCall: true, opIndex, timeMs: op.callMs, match: null, prev: null, next: null };
    const ret: Entry = { isCall: false, opIndex, timeMs: op.returnMs ?? Number.POSITIVE_INFINITY, match: null, prev: null, next: null };
    call.match = ret;
    events.push(call, ret);
  });
  // Calls before returns at equal times: touching intervals are concurrent. Then by op index so
  // the order (and so the search) is deterministic.
  events.sort((a, b) => a.timeMs - b.timeMs || (a.isCall === b.isCall ? a.opIndex - b.opIndex : a.isCall ? -1 : 1));
  const head: Entry = { isCall: false, opIndex: -1, timeMs: Number.NEGATIVE_INFINITY, match: null, prev: null, next: null };
  let last = head;
  for (const entry of events) {
    last.next = entry;
    entry.prev = last;
    last = entry;
  }
  return head;
}

/**
 * The set of linearized ops, with a Zobrist hash kept up to date on every change so the memo
 * table is keyed without turning the whole set into text at each step. Equal hashes are
 * confirmed word by word, so a hash collision can never make the answer wrong.
 */
class Bitset {
  readonly words: Uint32Array;
  hash = 0;
  private readonly codes: Int32Array;
  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
    this.codes = new Int32Array(size);
    // Fixed pseudo-random codes (xorshift32 from a constant seed): deterministic, no ambient randomness.
    let x = 0x9e3779b9 | 0;
    for (let i = 0; i < size; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      this.codes[i] = x;
    }
  }
  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
    this.hash ^= this.codes[i]!;
  }
  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
    this.hash ^= this.codes[i]!;
  }
  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  equals(words: Uint32Array): boolean {
    for (let w = 0; w < words.length; w++) if (words[w] !== this.words[w]) return false;
    return true;
  }
}

/** Lowe's memo: (set of linearized ops, model state) pairs already explored. */
class Memo {
  private readonly table = new Map<string, Uint32Array[]>();
  /** Adds the set with bit i set and `stateId`; false when that pair was already there. */
  addWith(bits: Bitset, i: number, stateId: string): boolean {
    bits.set(i);
    try {
      const key = `${bits.hash}|${stateId}`;
      const bucket = this.table.get(key);
      if (bucket === undefined) {
        this.table.set(key, [bits.words.slice()]);
        return true;
      }
      if (bucket.some((words) => bits.equals(words))) return false;
      bucket.push(bits.words.slice());
      return true;
    } finally {
      bits.clear(i);
    }
  }
}

function describeOp(op: KvOperation, opIndex: number): string {
  const i = op.input;
  const call = i.kind === 'put' ? `put(${JSON.stringify(i.value)})`
    : i.kind === 'get' ? 'get()'
    : i.kind === 'cas' ? `cas(expect ${i.expectedVersion}, ${JSON.stringify(i.value)})`
    : 'delete()';
  const o = op.output;
  let answer: string;
  if (o === undefined) answer = 'no answer';
  else if (o.kind === 'get') answer = `${o.value === null ? 'absent' : JSON.stringify(o.value)}${o.version === undefined ? '' : ` v${o.version}`}`;
  else if (o.kind === 'cas' && !o.ok) answer = 'failed';
  else answer = `ok${o.version === undefined ? '' : ` v${o.version}`}`;
  return `#${opIndex} client ${op.clientId} ${call} -> ${answer} [${op.callMs}, ${op.returnMs ?? '∞'}]`;
}

/** Stands for every written value no get ever read (see canonicalInputs). */
const UNREAD_VALUE = '\u0000unread';

/**
 * Two reductions that keep operations without an answer from making the search exponential.
 * Both keep the answer exact:
 * - Only a get can tell written values apart (cas, put and delete look at presence and version,
 *   never at the value), so every written value that no get read is replaced by one placeholder.
 *   States then coincide more often in the memo table.
 * - Operations without an answer whose (canonical) inputs are equal have the same effect and the
 *   same (infinite) return, so in any linearization they can be swapped into call order. The
 *   search therefore only linearizes such an op once the one called before it in its class is
 *   linearized: k interchangeable timed-out writes give k + 1 choices instead of 2^k.
 * Returns the inputs to replay, and for each op the op that must be linearized before it (or -1).
 */
function canonicalInputs(ops: readonly KvOperation[]): { inputs: KvInput[]; after: number[] } {
  const read = new Set<string>();
  for (const op of ops) if (op.output?.kind === 'get' && op.output.value !== null) read.add(op.output.value);
  const canonicalize = !read.has(UNREAD_VALUE);
  const inputs = ops.map((op): KvInput => {
    const input = op.input;
    if (!canonicalize || !(input.kind === 'put' || input.kind === 'cas') || read.has(input.value)) return input;
    return { ...input, value: UNREAD_VALUE };
  });
  const after = ops.map(() => -1);
  const lastOfClass = new Map<string, number>();
  const unanswered = ops.map((op, i) => ({ op, i })).filter(({ op }) => op.output === undefined);
  unanswered.sort((a, b) => a.op.callMs - b.op.callMs || a.i - b.i);
  for (const { i } of unanswered) {
    const cls = JSON.stringify(inputs[i]);
    const previous = lastOfClass.get(cls);
    if (previous !== undefined) after[i] = previous;
    lastOfClass.set(cls, i);
  }
  return { inputs, after };
}

function checkKey(key: string, ops: readonly KvOperation[], maxSteps: number): CheckResult {
  const head = buildList(ops);
  const { inputs, after } = canonicalInputs(ops);
  const linearized = new Bitset(ops.length);
  // Lowe's memo: a (set of linearized ops, model state) pair already explored leads nowhere new.
  const memo = new Memo();
  const stack: Array<{ readonly entry: Entry; readonly state: KeyState }> = [];
  let state = INITIAL_KEY_STATE;
  let entry = head.next;
  let steps = 0;
  // The deepest point reached, for the explanation.
  let bestOrder: number[] = [];
  let bestBlocker = -1;

  while (head.next !== null) {
    if (++steps > maxSteps) return { ok: 'unknown', key };
    assert(entry !== null, 'linearizability: ran off the event list with operations left');
    if (entry.isCall) {
      const mustFollow = after[entry.opIndex]!;
      const next = mustFollow === -1 || linearized.has(mustFollow) ? stepKey(state, inputs[entry.opIndex]!, ops[entry.opIndex]!.output) : null;
      if (next !== null) {
        if (memo.addWith(linearized, entry.opIndex, keyStateId(next))) {
          stack.push({ entry, state });
          state = next;
          linearized.set(entry.opIndex);
          lift(entry);
          entry = head.next;
          continue;
        }
      }
      entry = entry.next;
    } else {
      // An op returned before it could be linearized on this path: undo the latest choice.
      if (bestBlocker === -1 || stack.length > bestOrder.length) {
        bestOrder = stack.map((s) => s.entry.opIndex);
        bestBlocker = entry.opIndex;
      }
      const top = stack.pop();
      if (top === undefined) return { ok: false, key, explanation: explain(key, ops, bestOrder, bestBlocker) };
      state = top.state;
      linearized.clear(top.entry.opIndex);
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return { ok: true };
}

function explain(key: string, ops: readonly KvOperation[], order: readonly number[], blocker: number): string {
  // Replayed with the original inputs, so the register shows real values, not the placeholder.
  let state = INITIAL_KEY_STATE;
  for (const i of order) state = stepKey(state, ops[i]!.input, undefined)!;
  const shown = order.slice(-EXPLANATION_MAX_PREFIX_OPS);
  const lines = [
    `key ${JSON.stringify(key)} is not linearizable (${ops.length} operations).`,
    `Longest linearizable prefix: ${order.length} operation(s)${shown.length < order.length ? `, last ${shown.length} shown` : ''}:`,
    ...shown.map((i) => `  ${describeOp(ops[i]!, i)}`),
    `Register then: ${describeKeyState(state)}.`,
  ];
  const blockerOp = ops[blocker];
  if (blockerOp !== undefined) {
    lines.push(`Then ${describeOp(blockerOp, blocker)} must take effect before it returns, but neither it nor any operation concurrent with it can be linearized next.`);
    const concurrent = ops
      .map((op, i) => ({ op, i }))
      .filter(({ op, i }) => i !== blocker && !order.includes(i) && op.callMs <= (blockerOp.returnMs ?? Number.POSITIVE_INFINITY))
      .slice(0, EXPLANATION_MAX_PREFIX_OPS);
    if (concurrent.length > 0) lines.push('Candidates:', ...concurrent.map(({ op, i }) => `  ${describeOp(op, i)}`));
  }
  return lines.join('\n');
}
