// A region's write lease: the seed's watchdog that fences the non-active region, made safe
// without synchronised clocks. A region accepts writes only while a majority of ACA instances
// has recently confirmed it as the active one, and a region that becomes active waits out any
// lease the previous active could still hold before it accepts its first write. So two regions
// never accept writes at the same time.
//
// Why the wait is enough: the old active's lease runs leaseMs of its own clock from the moment
// it SENT the poll whose majority confirmed it. The new active learns of the flip from a
// majority too; the two majorities share an instance, which gave the old answer before the new
// one. So the old lease started before the new active's decision, and it ends at most leaseMs
// of the old clock later. Waiting leaseMs × (1 + ρ) / (1 − ρ) of the new active's clock after
// its decision outlasts it when both clocks run within ±ρ of real time.
//
// Pure: times are the caller's monotonic milliseconds; no clock or timer here.

import type { AcaAnswer } from './aca-answer';
import { decideAcaAnswer, type AcaDecision } from './aca-majority';

/** Default write lease: a region stops accepting writes this long after its last confirmation. */
export const REGION_LEASE_MS_DEFAULT = 6_000;
/** Default bound on how far any region's clock rate strays from real time (1%). */
export const CLOCK_RATE_ERROR_MAX_DEFAULT = 0.01;

export interface RegionLeaseConfig {
  readonly regionId: string;
  /** Longer than the poll interval, so polls renew the lease before it ends. */
  readonly leaseMs: number;
  /** ρ: every clock's rate lies within [1 − ρ, 1 + ρ] of real time. */
  readonly clockRateErrorMax: number;
  /**
   * This region fenced itself for a planned switchover through this generation (persisted by
   * the caller): it accepts no write at this generation or an older one, even after a restart.
   */
  readonly fencedThroughGeneration?: number;
}

export type RegionWriteState =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'no-answer' | 'passive' | 'lease-expired' | 'waiting-out-previous-lease' | 'fenced-for-handoff'; readonly detail: string; readonly retryAfterMs?: number };

export type LeaseTransition = 'became-active' | 'renewed' | 'became-passive' | 'none';

export interface PollOutcome {
  readonly decision: AcaDecision;
  readonly transition: LeaseTransition;
}

export class RegionWriteLease {
  private answer: AcaAnswer | null = null;
  /** The generation of the last lease this region held (an answer naming it active). */
  private leaseGeneration: number | null = null;
  private leaseUntilMs = Number.NEGATIVE_INFINITY;
  private writesFromMs = Number.POSITIVE_INFINITY;
  private fencedThrough: number;

  constructor(private readonly config: RegionLeaseConfig) {
    this.fencedThrough = config.fencedThroughGeneration ?? -1;
    if (!(config.leaseMs > 0)) throw new Error(`leaseMs: must be > 0, got ${config.leaseMs}`);
    if (!(config.clockRateErrorMax >= 0 && config.clockRateErrorMax < 0.5)) throw new Error(`clockRateErrorMax: must be in [0, 0.5), got ${config.clockRateErrorMax}`);
  }

  /** How long a new active waits on its own clock before its first write. */
  takeoverWaitMs(): number {
    const rho = this.config.clockRateErrorMax;
    return Math.ceil((this.config.leaseMs * (1 + rho)) / (1 - rho)) + 1;
  }

  /**
   * A poll of every ACA instance, sent at `sentAtMs`, answered by `decidedAtMs` (both on this
   * region's monotonic clock): one entry per configured instance, null for no valid answer.
   */
  onPoll(sentAtMs: number, decidedAtMs: number, answers: readonly (AcaAnswer | null)[]): PollOutcome {
    const decision = decideAcaAnswer(answers, this.answer);
    const confirmed = decision.kind === 'adopt' || decision.reason === 'unchanged';
    const previous = this.answer;
    if (decision.kind === 'adopt') this.answer = decision.answer;
    if (!confirmed || this.answer === null) return { decision, transition: 'none' };
    const answer = this.answer;
    if (answer.active !== this.config.regionId) {
      const wasActive = this.leaseUntilMs > Number.NEGATIVE_INFINITY;
      this.leaseUntilMs = Number.NEGATIVE_INFINITY;
      this.writesFromMs = Number.POSITIVE_INFINITY;
      return { decision, transition: wasActive ? 'became-passive' : 'none' };
    }
    if (this.leaseGeneration === answer.generation) {
      // A majority still says this generation, so no majority ever said a newer one (instances
      // never go back): no other region held a lease since. Renew.
      this.leaseUntilMs = Math.max(this.leaseUntilMs, sentAtMs + this.config.leaseMs);
      return { decision, transition: 'renewed' };
    }
    // A new generation names this region. If it directly follows one that named this region
    // too, nobody else was active in between; otherwise wait out whoever might have been.
    const follows = this.leaseGeneration !== null && answer.generation === this.leaseGeneration + 1 && this.writesFromMs !== Number.POSITIVE_INFINITY;
    // A planned handoff from the generation just before, which this region saw: its active
    // fenced itself before the arbitrators were changed, so it holds no usable lease.
    const handedOver = answer.handoff === true && previous !== null && previous.generation === answer.generation - 1;
    this.leaseGeneration = answer.generation;
    this.leaseUntilMs = sentAtMs + this.config.leaseMs;
    if (handedOver) this.writesFromMs = decidedAtMs;
    else if (!follows) this.writesFromMs = decidedAtMs + this.takeoverWaitMs();
    return { decision, transition: 'became-active' };
  }

  /** Whether a write may be accepted now, and why not. */
  writeState(nowMs: number): RegionWriteState {
    const answer = this.answer;
    if (answer === null) return { ok: false, reason: 'no-answer', detail: 'no majority of arbitrator instances has answered yet' };
    if (answer.active !== this.config.regionId) return { ok: false, reason: 'passive', detail: `region ${answer.active} is active (generation ${answer.generation})` };
    if (answer.generation <= this.fencedThrough) return { ok: false, reason: 'fenced-for-handoff', detail: `fenced for a planned switchover at generation ${this.fencedThrough}: no writes until the arbitrators name a new generation` };
    if (nowMs >= this.leaseUntilMs) return { ok: false, reason: 'lease-expired', detail: `no majority of arbitrator instances confirmed this region for ${this.config.leaseMs} ms: fenced` };
    if (nowMs < this.writesFromMs) {
      return { ok: false, reason: 'waiting-out-previous-lease', detail: `active since generation ${answer.generation}; waiting out the previous active's lease`, retryAfterMs: this.writesFromMs - nowMs };
    }
    return { ok: true };
  }

  /**
   * Fences this region for a planned switchover: no write from now on at the current
   * generation. Returns that generation (the caller persists it before it says so), or null
   * when this region is not the active one.
   */
  fenceForHandoff(): number | null {
    const answer = this.answer;
    if (answer === null || answer.active !== this.config.regionId) return null;
    this.fencedThrough = Math.max(this.fencedThrough, answer.generation);
    return this.fencedThrough;
  }

  current(): AcaAnswer | null {
    return this.answer;
  }

  role(): 'active' | 'passive' | 'unknown' {
    if (this.answer === null) return 'unknown';
    return this.answer.active === this.config.regionId ? 'active' : 'passive';
  }
}
