// Login rate limit (docs/SECURITY.md): at most 5 attempts per 15 minutes per account and per
// address. An attempt is charged *before* its password is checked, in one synchronous step, so
// parallel and batched guesses count as they arrive: the sixth concurrent guess is refused
// without a hash. A success clears that account's counter and refunds only its own charge on
// the address, so signing in to one's own account never wipes an address's failures.

export const LOGIN_FAILURES_MAX = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Keys tracked at most (accounts and addresses); the oldest are dropped beyond this. */
export const LIMITER_KEYS_MAX = 100_000;

export type Charge =
  | { readonly ok: true; readonly atMs: number }
  | { readonly ok: false; readonly retryAfterSeconds: number };

export class LoginLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  private recent(key: string, now: number): number[] {
    const recent = (this.attempts.get(key) ?? []).filter((t) => now - t < LOGIN_WINDOW_MS);
    if (recent.length === 0) this.attempts.delete(key);
    else this.attempts.set(key, recent);
    return recent;
  }

  /** Seconds until `keys` may try again, or 0 when allowed. Charges nothing. */
  retryAfterSeconds(keys: readonly string[]): number {
    const now = this.nowMs();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      const oldest = recent[0];
      if (recent.length >= LOGIN_FAILURES_MAX && oldest !== undefined) wait = Math.max(wait, Math.ceil((oldest + LOGIN_WINDOW_MS - now) / 1000));
    }
    return wait;
  }

  /**
   * Charges one attempt to every key unless one of them is at its limit (then nothing is
   * charged). Synchronous: no other attempt can slip in between the check and the charge.
   */
  charge(keys: readonly string[]): Charge {
    const wait = this.retryAfterSeconds(keys);
    if (wait > 0) return { ok: false, retryAfterSeconds: wait };
    const now = this.nowMs();
    for (const key of keys) {
      if (this.attempts.size >= LIMITER_KEYS_MAX && !this.attempts.has(key)) {
        const oldest = this.attempts.keys().next().value;
        if (oldest !== undefined) this.attempts.delete(oldest);
      }
      this.attempts.set(key, [...(this.attempts.get(key) ?? []), now]);
    }
    return { ok: true, atMs: now };
  }

  /** Takes back one charge made at `atMs` on `key` (a successful attempt). */
  refund(key: string, atMs: number): void {
    const list = this.attempts.get(key);
    if (list === undefined) return;
    const at = list.indexOf(atMs);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.attempts.delete(key);
  }

  /** Forgets every attempt on `key` (the account just signed in with its password). */
  clear(key: string): void {
    this.attempts.delete(key);
  }
}
