// The sequential specification of one key of Tessera's key-value register, as the
// linearizability checker replays it: the state a key is in, and what each operation does to it.
//
// Versions, per key: every successful write (put, a cas whose condition held, delete) adds 1 to
// the key's version, starting from 0 for a key never written (so the first write gets version 1).
// A delete is a write: it leaves a tombstone that carries the next version, and a later put keeps
// counting from there (put, delete, put gives versions 1, 2, 3). A delete of a key that is
// already absent still writes a tombstone and bumps the version, so every delete is a write.
// A cas with expectedVersion 'absent' holds when the key has no live value (never written or
// deleted); a cas with a number holds only when the key has a live value with exactly that version.
//
// Version numbers in results are optional per operation: a history without version info is
// checked on values alone.

export type KvInput =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'cas'; readonly key: string; readonly expectedVersion: number | 'absent'; readonly value: string }
  | { readonly kind: 'delete'; readonly key: string };

/** What the server answered. `value: null` is "absent". `version` is checked when present. */
export type KvOutput =
  | { readonly kind: 'put'; readonly version?: number }
  | { readonly kind: 'get'; readonly value: string | null; readonly version?: number }
  | { readonly kind: 'cas'; readonly ok: true; readonly version?: number }
  | { readonly kind: 'cas'; readonly ok: false }
  | { readonly kind: 'delete'; readonly version?: number };

/** One key's state. `value: null` with version > 0 is a tombstone. */
export interface KeyState {
  readonly value: string | null;
  readonly version: number;
}

export const INITIAL_KEY_STATE: KeyState = { value: null, version: 0 };

function written(state: KeyState, value: string | null): KeyState {
  return { value, version: state.version + 1 };
}

function versionMatches(reported: number | undefined, actual: number): boolean {
  return reported === undefined || reported === actual;
}

/**
 * Applies `input` to `state`. With `output` (the operation answered) returns the next state
 * when that answer is what a sequential register would have said, or null when it is not.
 * Without `output` (no answer: it took effect here, or it is placed after everything observed)
 * returns the next state; only writes reach here, gets without an answer are dropped.
 */
export function stepKey(state: KeyState, input: KvInput, output: KvOutput | undefined): KeyState | null {
  switch (input.kind) {
    case 'put': {
      const next = written(state, input.value);
      if (output === undefined) return next;
      return output.kind === 'put' && versionMatches(output.version, next.version) ? next : null;
    }
    case 'delete': {
      const next = written(state, null);
      if (output === undefined) return next;
      return output.kind === 'delete' && versionMatches(output.version, next.version) ? next : null;
    }
    case 'get': {
      if (output === undefined) return state;
      return output.kind === 'get' && output.value === state.value && versionMatches(output.version, state.version) ? state : null;
    }
    case 'cas': {
      const holds = input.expectedVersion === 'absent'
        ? state.value === null
        : state.value !== null && state.version === input.expectedVersion;
      const next = holds ? written(state, input.value) : state;
      if (output === undefined) return next;
      if (output.kind !== 'cas' || output.ok !== holds) return null;
      return output.ok && !versionMatches(output.version, next.version) ? null : next;
    }
  }
}

/** A compact, unambiguous text form of a state, for the memo table. */
export function keyStateId(state: KeyState): string {
  return state.value === null ? `${state.version}~` : `${state.version}=${state.value}`;
}

export function describeKeyState(state: KeyState): string {
  return state.value === null ? `absent (version ${state.version})` : `${JSON.stringify(state.value)} (version ${state.version})`;
}
