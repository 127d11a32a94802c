// Assertions that stay on in production: a broken invariant stops the code path loudly instead
// of letting it corrupt data quietly (TigerBeetle's habit).

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function unreachable(value: never, what: string): never {
  throw new InvariantError(`unreachable ${what}: ${JSON.stringify(value)}`);
}
