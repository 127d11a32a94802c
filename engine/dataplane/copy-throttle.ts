// The copy throttle of one node: a token bucket of rebuild and migration traffic, refilled at
// the committed rebuildThrottleMBps (0 = unlimited), with at most one second of burst.

/** Burst the bucket holds, in milliseconds of the throttle rate. */
export const COPY_BURST_MS = 1_000;

export class CopyThrottle {
  private budgetBytes = 0;
  private budgetAtMs = 0;
  private copied = 0;

  /** Takes `bytes` of copy traffic at `nowMs`; false means wait for a later tick. */
  take(bytes: number, megabytesPerSecond: number, nowMs: number): boolean {
    this.copied += bytes;
    if (megabytesPerSecond <= 0) return true;
    const bytesPerMs = megabytesPerSecond * 1e6 / 1000;
    const burstBytes = bytesPerMs * COPY_BURST_MS;
    this.budgetBytes = Math.min(burstBytes, this.budgetBytes + (nowMs - this.budgetAtMs) * bytesPerMs);
    this.budgetAtMs = nowMs;
    if (this.budgetBytes < bytes && this.budgetBytes < burstBytes) {
      this.copied -= bytes;
      return false;
    }
    this.budgetBytes -= bytes;
    return true;
  }

  /** Bytes copied since start (progress and throughput views). */
  copiedBytes(): number {
    return this.copied;
  }
}
