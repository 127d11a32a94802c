// A region's link to the arbitrators: polls every ACA instance on a timer, feeds the answers to
// the write lease (engine/region/write-lease.ts) on the process's monotonic clock, logs each
// change of role, and says whether a write may be accepted now. The lease is engine code; this
// is only its clock, its timer and its network.

import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { writeSecretFile } from '../auth/secure-file';
import type { AcaAnswer } from '../../engine/region/aca-answer';
import { RegionWriteLease, type RegionWriteState } from '../../engine/region/write-lease';
import { ACA_POLL_TIMEOUT_MS, pollAll, type InstanceAnswer } from './aca-client';

export interface RegionConfig {
  readonly id: string;
  /** The other regions' client URLs (where a passive region sends writers). */
  readonly peers: Readonly<Record<string, string>>;
  readonly arbitrators: readonly string[];
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly clockRateErrorMax: number;
  /** Where the region keeps its handoff fence (so a restart stays fenced), in the data dir. */
  readonly stateFile?: string;
}

/** How long a handoff fence waits for the writes already admitted to finish. */
export const FENCE_DRAIN_TIMEOUT_MS = 10_000;

export type FenceResult =
  | { readonly ok: true; readonly generation: number; readonly writesDrained: number; readonly writesStillRunning: number }
  | { readonly ok: false; readonly error: string };

function readFencedThrough(path: string | undefined): number | undefined {
  if (path === undefined || !existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { fencedThroughGeneration?: unknown };
  return typeof parsed.fencedThroughGeneration === 'number' ? parsed.fencedThroughGeneration : undefined;
}

export interface RegionStatus {
  readonly id: string;
  readonly role: 'active' | 'passive' | 'unknown';
  readonly writable: boolean;
  readonly reason: string | null;
  readonly answer: AcaAnswer | null;
  readonly activeUrl: string | null;
  readonly arbitrators: readonly { url: string; answered: boolean; generation: number | null; error: string | null }[];
  readonly lastPollAgoMs: number | null;
}

export class RegionGuard {
  private readonly lease: RegionWriteLease;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private lastPoll: { atMs: number; answers: readonly InstanceAnswer[] } | null = null;
  private lastRole: string = 'unknown';
  private writesInFlight = 0;

  constructor(readonly config: RegionConfig, private readonly log: (line: string) => void, private readonly nowMs: () => number = () => performance.now()) {
    const fencedThroughGeneration = readFencedThrough(config.stateFile);
    this.lease = new RegionWriteLease({ regionId: config.id, leaseMs: config.leaseMs, clockRateErrorMax: config.clockRateErrorMax, ...(fencedThroughGeneration === undefined ? {} : { fencedThroughGeneration }) });
  }

  start(): void {
    if (this.timer !== null) return;
    void this.pollOnce();
    this.timer = setInterval(() => { void this.pollOnce(); }, this.config.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One poll of every instance; overlapping polls are skipped (a slow instance never piles up). */
  async pollOnce(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const sentAtMs = this.nowMs();
      const answers = await pollAll(this.config.arbitrators, Math.min(ACA_POLL_TIMEOUT_MS, this.config.pollIntervalMs));
      const decidedAtMs = this.nowMs();
      const outcome = this.lease.onPoll(sentAtMs, decidedAtMs, answers.map((a) => a.answer));
      this.lastPoll = { atMs: decidedAtMs, answers };
      if (outcome.decision.kind === 'keep' && (outcome.decision.reason === 'conflict' || outcome.decision.reason === 'stale')) this.log(`region ${this.config.id}: arbitrators: ${outcome.decision.detail}`);
      const role = this.lease.role();
      if (role !== this.lastRole || outcome.transition === 'became-active') {
        const answer = this.lease.current();
        this.log(`region ${this.config.id}: ${role} (generation ${answer?.generation ?? 'none'}, active ${answer?.active ?? 'unknown'})${outcome.transition === 'became-active' ? `; first write after ${this.lease.takeoverWaitMs()} ms, once any earlier lease has run out` : ''}`);
        this.lastRole = role;
      }
    } finally {
      this.polling = false;
    }
  }

  /** A write the gate let through: counted until its response closes (for the fence's drain). */
  writeAdmitted(): () => void {
    this.writesInFlight++;
    let released = false;
    return () => { if (!released) { released = true; this.writesInFlight--; } };
  }

  /**
   * A planned switchover's first step: stop accepting writes at the current generation, persist
   * that (a restart stays fenced), and wait for the writes already admitted to finish. Only
   * then may the arbitrators hand the active role over without a takeover wait.
   */
  async fenceForHandoff(): Promise<FenceResult> {
    await this.pollOnce();
    const before = this.writesInFlight;
    const generation = this.lease.fenceForHandoff();
    if (generation === null) return { ok: false, error: `region ${this.config.id} is not the active region (${this.lease.current()?.active ?? 'no answer yet'} is)` };
    if (this.config.stateFile !== undefined) writeSecretFile(this.config.stateFile, `${JSON.stringify({ fencedThroughGeneration: generation })}\n`);
    this.log(`region ${this.config.id}: fenced for a planned switchover at generation ${generation}; draining ${before} write(s)`);
    const deadline = this.nowMs() + FENCE_DRAIN_TIMEOUT_MS;
    while (this.writesInFlight > 0 && this.nowMs() < deadline) await new Promise((r) => setTimeout(r, 20));
    return { ok: true, generation, writesDrained: before - this.writesInFlight, writesStillRunning: this.writesInFlight };
  }

  writeState(): RegionWriteState {
    return this.lease.writeState(this.nowMs());
  }

  /** The client URL of the active region, when it is another one this region knows. */
  activeUrl(): string | null {
    const answer = this.lease.current();
    if (answer === null || answer.active === this.config.id) return null;
    return this.config.peers[answer.active] ?? null;
  }

  status(): RegionStatus {
    const state = this.writeState();
    return {
      id: this.config.id,
      role: this.lease.role(),
      writable: state.ok,
      reason: state.ok ? null : state.detail,
      answer: this.lease.current(),
      activeUrl: this.activeUrl(),
      arbitrators: (this.lastPoll?.answers ?? this.config.arbitrators.map((url): InstanceAnswer => ({ url, answer: null }))).map((a) => ({ url: a.url, answered: a.answer !== null, generation: a.answer?.generation ?? null, error: a.error ?? null })),
      lastPollAgoMs: this.lastPoll === null ? null : Math.round(this.nowMs() - this.lastPoll.atMs),
    };
  }
}
