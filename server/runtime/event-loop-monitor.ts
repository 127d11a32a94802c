// How late the process's event loop runs: a timer-drift sampler. Every node of the embedded
// cluster shares this one loop, so a stall (a long synchronous job, a GC, a stopped process)
// stalls them all. The nodes themselves do not count such pauses against their peers (see
// engine/node/self-pause.ts); this sampler makes the stalls visible to operators: the
// `tessera_event_loop_delay_seconds` histogram, the longest recent stall on the Overview, and a
// warning line (rate-limited) for each long one.

/** The sampler's period: each sample is how much later than this its timer ran. */
export const EVENT_LOOP_SAMPLE_MS = 100;
/** A stall at least this long is logged as a warning. */
export const STALL_WARNING_MS = 500;
/** At most one stall warning per this long; the next one says how many were left out. */
export const STALL_WARNING_INTERVAL_MS = 10_000;
/** The Overview shows the longest stall within this window. */
export const RECENT_STALL_WINDOW_MS = 600_000;
/** Stalls are kept as the longest per bucket of this length (the window has 10 of them). */
export const STALL_BUCKET_MS = 60_000;

export class EventLoopMonitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(delayMs: number) => void> = [];
  /** Longest stall (ms) per bucket index (time / STALL_BUCKET_MS). */
  private readonly longestByBucket = new Map<number, number>();
  private lastWarningAtMs = Number.NEGATIVE_INFINITY;
  private warningsLeftOut = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Starts sampling (idempotent). The timer never keeps the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    let expectedAtMs = this.nowMs() + EVENT_LOOP_SAMPLE_MS;
    const sample = (): void => {
      const atMs = this.nowMs();
      this.record(Math.max(0, atMs - expectedAtMs), atMs);
      expectedAtMs = atMs + EVENT_LOOP_SAMPLE_MS;
      this.timer = setTimeout(sample, EVENT_LOOP_SAMPLE_MS);
      this.timer.unref();
    };
    this.timer = setTimeout(sample, EVENT_LOOP_SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Called with every sample's delay in ms (the metrics histogram observes it). */
  onDelay(listener: (delayMs: number) => void): void {
    this.listeners.push(listener);
  }

  /** One sample: the loop ran `delayMs` late, noticed at `atMs`. */
  record(delayMs: number, atMs: number): void {
    for (const listener of this.listeners) listener(delayMs);
    const bucket = Math.floor(atMs / STALL_BUCKET_MS);
    if (delayMs > (this.longestByBucket.get(bucket) ?? 0)) this.longestByBucket.set(bucket, delayMs);
    const oldestKept = Math.floor((atMs - RECENT_STALL_WINDOW_MS) / STALL_BUCKET_MS);
    for (const key of this.longestByBucket.keys()) if (key < oldestKept) this.longestByBucket.delete(key);
    if (delayMs < STALL_WARNING_MS) return;
    if (atMs - this.lastWarningAtMs < STALL_WARNING_INTERVAL_MS) {
      this.warningsLeftOut++;
      return;
    }
    const leftOut = this.warningsLeftOut === 0 ? '' : `; ${this.warningsLeftOut} more stalls over ${STALL_WARNING_MS} ms since the last warning`;
    this.log(`warning: the event loop stalled for ${Math.round(delayMs)} ms (every node waited; the failure detector does not count a node's own pauses against its peers)${leftOut}`);
    this.lastWarningAtMs = atMs;
    this.warningsLeftOut = 0;
  }

  /** The longest stall within about the last RECENT_STALL_WINDOW_MS, in ms (0 if none). */
  longestRecentStallMs(atMs: number = this.nowMs()): number {
    const oldestKept = Math.floor((atMs - RECENT_STALL_WINDOW_MS) / STALL_BUCKET_MS);
    let longest = 0;
    for (const [key, delayMs] of this.longestByBucket) if (key >= oldestKept) longest = Math.max(longest, delayMs);
    return Math.round(longest);
  }
}

let processMonitor: EventLoopMonitor | undefined;

/** The process's one sampler, started on first use with `log` for its warnings. */
export function processEventLoop(log: (line: string) => void): EventLoopMonitor {
  if (processMonitor === undefined) {
    processMonitor = new EventLoopMonitor(log);
    processMonitor.start();
  }
  return processMonitor;
}
