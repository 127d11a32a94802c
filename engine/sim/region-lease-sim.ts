// A seeded world of two regions and several ACA instances, in virtual real time, for the
// fencing rule of engine/region/write-lease.ts: each region polls every instance over a lossy,
// delaying network with its own drifting clock; an operator flips the active region now and
// then by updating the instances one by one (some updates lost, some instances down); the
// world records every millisecond in which a region could accept a write. The invariant: never
// two at once. Liveness: once the flips stop, the named active region writes again.

import type { AcaAnswer } from '../region/aca-answer';
import { RegionWriteLease, type RegionLeaseConfig } from '../region/write-lease';
import { EventQueue } from './event-queue';
import { SeededRandom } from './prng';

export interface RegionLeaseSimConfig {
  readonly seed: number;
  readonly durationMs: number;
  readonly instances: number;
  readonly pollIntervalMs: number;
  readonly pollTimeoutMs: number;
  readonly leaseMs: number;
  /** ρ: each region's clock rate is drawn from [1 − ρ, 1 + ρ]. */
  readonly clockRateErrorMax: number;
  readonly networkDelayMaxMs: number;
  readonly lossRate: number;
  /** Flips happen in the first part of the run; the rest is quiet, for the liveness check. */
  readonly flipsMax: number;
  /** Share of flips that are planned switchovers (fence the old active, then hand off). */
  readonly plannedShare?: number;
  /** A broken operator for the canary: hands off without fencing the old active first. */
  readonly handoffWithoutFence?: boolean;
  /** Builds each region's lease; tests pass a broken one to prove the checks can fail. */
  readonly makeLease?: (config: RegionLeaseConfig) => RegionWriteLease;
}

export const REGION_LEASE_SIM_DEFAULTS: Omit<RegionLeaseSimConfig, 'seed'> = {
  durationMs: 60_000,
  instances: 3,
  pollIntervalMs: 1_000,
  pollTimeoutMs: 500,
  leaseMs: 3_000,
  clockRateErrorMax: 0.01,
  networkDelayMaxMs: 200,
  lossRate: 0.1,
  flipsMax: 6,
};

export interface RegionLeaseSimResult {
  readonly overlapMs: number;
  readonly firstOverlapAtMs: number | null;
  readonly writableMs: Readonly<Record<string, number>>;
  readonly flips: number;
  readonly finalActive: string;
  /** Milliseconds the final active region could write in the quiet last quarter of the run. */
  readonly writableAtEndMs: number;
  readonly plannedFlips: number;
}

const REGIONS = ['region-a', 'region-b'] as const;

interface SimRegion {
  readonly id: string;
  readonly rate: number;
  readonly offsetMs: number;
  readonly lease: RegionWriteLease;
}

export function runRegionLeaseSim(config: RegionLeaseSimConfig): RegionLeaseSimResult {
  const random = new SeededRandom(config.seed);
  const queue = new EventQueue();
  const rho = config.clockRateErrorMax;
  const regions: SimRegion[] = REGIONS.map((id) => {
    const leaseConfig: RegionLeaseConfig = { regionId: id, leaseMs: config.leaseMs, clockRateErrorMax: rho };
    return { id, rate: 1 - rho + 2 * rho * random.nextFloat(), offsetMs: random.nextInt(100_000), lease: config.makeLease?.(leaseConfig) ?? new RegionWriteLease(leaseConfig) };
  });
  const localMs = (region: SimRegion, realMs: number): number => region.offsetMs + realMs * region.rate;
  // Instances keep their answer across restarts (it is persisted) and never go back.
  let instanceAnswers: AcaAnswer[] = Array.from({ length: config.instances }, () => ({ active: 'region-a', secondary: 'region-b', generation: 1 }));
  const instanceDown = Array.from({ length: config.instances }, () => false);
  const delay = (): number => 1 + random.nextInt(config.networkDelayMaxMs);
  const lost = (): boolean => random.nextFloat() < config.lossRate;

  const poll = (region: SimRegion): void => {
    const sentReal = queue.nowMs();
    const sentLocal = localMs(region, sentReal);
    const answers: (AcaAnswer | null)[] = instanceAnswers.map(() => null);
    const deadlineReal = sentReal + config.pollTimeoutMs / region.rate;
    instanceAnswers.forEach((_, index) => {
      if (lost()) return;
      queue.schedule(sentReal + delay(), () => {
        if (instanceDown[index] === true) return;
        const answer = instanceAnswers[index];
        if (answer === undefined || lost()) return;
        queue.schedule(queue.nowMs() + delay(), () => { if (queue.nowMs() <= deadlineReal) answers[index] = answer; });
      });
    });
    queue.schedule(deadlineReal, () => { region.lease.onPoll(sentLocal, localMs(region, queue.nowMs()), answers); });
    queue.schedule(sentReal + config.pollIntervalMs / region.rate, () => poll(region));
  };
  for (const region of regions) queue.schedule(random.nextInt(config.pollIntervalMs), () => poll(region));

  // The operator: reads the newest generation it can see, then sends generation + 1 naming the
  // other region to every instance; each update may be delayed, lost, or hit a down instance.
  // A planned flip first asks the old active region to fence itself and hands off only once
  // it confirmed (retrying a lost request); a refused fence makes it an ordinary flip.
  let flips = 0;
  let plannedFlips = 0;
  let finalActive = 'region-a';
  const flipWindowMs = config.durationMs * 0.6;
  const sendToInstances = (next: AcaAnswer): void => {
    instanceAnswers.forEach((_, index) => {
      const arrival = queue.nowMs() + delay() * (random.nextFloat() < 0.2 ? 10 : 1);
      const dropped = lost();
      queue.schedule(arrival, () => {
        if (dropped || instanceDown[index] === true) return;
        const current = instanceAnswers[index];
        if (current !== undefined && next.generation > current.generation) instanceAnswers = instanceAnswers.map((a, i) => (i === index ? next : a));
      });
    });
  };
  const scheduleFlip = (): void => {
    if (flips >= config.flipsMax) return;
    queue.schedule(queue.nowMs() + 2_000 + random.nextInt(8_000), () => {
      if (queue.nowMs() > flipWindowMs) return;
      flips++;
      const newest = instanceAnswers.reduce((best, answer) => (answer.generation > best.generation ? answer : best));
      const active = newest.active === 'region-a' ? 'region-b' : 'region-a';
      const next: AcaAnswer = { active, secondary: active === 'region-a' ? 'region-b' : 'region-a', generation: newest.generation + 1 };
      finalActive = active;
      const planned = random.nextFloat() < (config.plannedShare ?? 0);
      const old = regions.find((r) => r.id === newest.active);
      if (!planned || old === undefined) {
        sendToInstances(next);
      } else if (config.handoffWithoutFence === true) {
        plannedFlips++;
        sendToInstances({ ...next, handoff: true });
      } else {
        plannedFlips++;
        const attempt = (tries: number): void => {
          if (lost()) { if (tries > 1) queue.schedule(queue.nowMs() + 1_000, () => attempt(tries - 1)); return; }
          queue.schedule(queue.nowMs() + delay(), () => {
            const fenced = old.lease.fenceForHandoff();
            if (lost()) { if (tries > 1) queue.schedule(queue.nowMs() + 1_000, () => attempt(tries - 1)); return; }
            queue.schedule(queue.nowMs() + delay(), () => {
              // Hand off only from the generation that was fenced; otherwise an ordinary flip.
              sendToInstances(fenced === newest.generation ? { ...next, handoff: true } : next);
            });
          });
        };
        attempt(5);
      }
      scheduleFlip();
    });
  };
  scheduleFlip();
  // A lost update is retried later, as an operator (or the GitOps loop) would.
  const repair = (): void => {
    queue.schedule(queue.nowMs() + 3_000, () => {
      const newest = instanceAnswers.reduce((best, answer) => (answer.generation > best.generation ? answer : best));
      instanceAnswers = instanceAnswers.map((a, i) => (instanceDown[i] === true || a.generation >= newest.generation ? a : newest));
      repair();
    });
  };
  repair();
  // Instances go down and come back (one at a time is down at most, in the flip window).
  const outage = (): void => {
    queue.schedule(queue.nowMs() + 1_000 + random.nextInt(10_000), () => {
      if (queue.nowMs() > flipWindowMs || instanceDown.some(Boolean)) { outage(); return; }
      const index = random.nextInt(config.instances);
      instanceDown[index] = true;
      queue.schedule(queue.nowMs() + 500 + random.nextInt(5_000), () => { instanceDown[index] = false; });
      outage();
    });
  };
  outage();

  let overlapMs = 0;
  let firstOverlapAtMs: number | null = null;
  const writableMs: Record<string, number> = Object.fromEntries(REGIONS.map((id) => [id, 0]));
  let writableAtEndMs = 0;
  for (let t = 0; t < config.durationMs; t++) {
    queue.runUntil(t);
    let writers = 0;
    for (const region of regions) {
      if (!region.lease.writeState(localMs(region, t)).ok) continue;
      writers++;
      writableMs[region.id] = (writableMs[region.id] ?? 0) + 1;
      if (t >= config.durationMs * 0.75 && region.id === finalActive) writableAtEndMs++;
    }
    if (writers > 1) {
      overlapMs++;
      firstOverlapAtMs ??= t;
    }
  }
  return { overlapMs, firstOverlapAtMs, writableMs, flips, finalActive, writableAtEndMs, plannedFlips };
}
