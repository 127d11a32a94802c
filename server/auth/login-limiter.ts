// Login rate limit (docs/SECURITY.md): at most 5 failures per 15 minutes per account and per address.

export const LOGIN_FAILURES_MAX = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Keys tracked at most (accounts and addresses); the oldest are dropped beyond this. */
export const LIMITER_KEYS_MAX = 100_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  /** Seconds until `keys` may try again, or 0 when allowed. */
  retryAfterSeconds(keys: readonly string[]): number {
    const now = this.nowMs();
    let wait = 0;
    for (const key of keys) {
      const recent = (this.failures.get(key) ?? []).filter((t) => now - t < LOGIN_WINDOW_MS);
      this.failures.set(key, recent);
      const oldest = recent[0];
      if (recent.length >= LOGIN_FAILURES_MAX && oldest !== undefined) wait = Math.max(wait, Math.ceil((oldest + LOGIN_WINDOW_MS - now) / 1000));
    }
    return wait;
  }

  failed(keys: readonly string[]): void {
    const now = this.nowMs();
    for (const key of keys) {
      if (this.failures.size >= LIMITER_KEYS_MAX && !this.failures.has(key)) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      this.failures.set(key, [...(this.failures.get(key) ?? []), now]);
    }
  }

  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }
}
