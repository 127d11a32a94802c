// The drill report: built from what the drill recorded (every operation with its call and
// return times, the controller's events, sampled slice protection) once the run is over.
// Times are ms since the drill started.

import { checkHistory, type KvOperation } from '../check/linearizability';
import { DEFAULT_MTBF_HOURS } from '../drives/drive-model';
import { estimateMttdl, HOURS_PER_YEAR } from '../drives/mttdl';
import type { DrillMode, DrillParams, ScenarioId } from './scenarios';
import type { DrillOp } from './workload';

export type TimelineKind = 'fault-injected' | 'detected' | 'promoted' | 'clients-rerouted' | 'reprotection' | 'healthy' | 'fault-ended' | 'restored' | 'balanced' | 'event' | 'problem';

export interface TimelineEntry {
  readonly atMs: number;
  readonly kind: TimelineKind;
  readonly message: string;
}

/** One bucket of the drill's charts. */
export interface SeriesPoint {
  readonly tMs: number;
  ok: number;
  failed: number;
  /** Slowest successful operation that returned in the bucket. */
  maxLatencyMs: number;
  /** Slices with fewer than two in-sync copies at the bucket's last sample (null: not sampled). */
  underProtected: number | null;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export interface SliceWindow {
  readonly slice: number;
  readonly windowMs: number;
}

export interface DrillReport {
  readonly id: string;
  readonly scenario: ScenarioId;
  readonly mode: DrillMode;
  /** The simulator's seed (rehearsal): the same seed replays the same run. */
  readonly seed: number | null;
  /** Wall-clock start, ms since the epoch. */
  readonly startedAtEpochMs: number;
  readonly params: DrillParams;
  readonly targets: readonly string[];
  readonly cluster: { readonly name: string; readonly nodes: number; readonly slices: number; readonly container: string };
  readonly durationMs: number;
  /** Unavailability window per affected slice: p50, p99 and max over those slices. */
  readonly windowMsP50: number | null;
  readonly windowMsP99: number | null;
  readonly windowMsMax: number | null;
  readonly affectedSlices: number;
  /** The longest windows, longest first (at most REPORT_WINDOWS_LISTED). */
  readonly windows: readonly SliceWindow[];
  readonly opsAttempted: number;
  readonly opsOk: number;
  readonly opsFailed: number;
  readonly latency: { readonly before: LatencySummary; readonly during: LatencySummary; readonly after: LatencySummary };
  readonly ackedWrites: number;
  readonly ackedWritesLost: number;
  readonly lostKeys: readonly string[];
  /** The recorded history's verdict; 'unknown' when the checker hit its step limit. */
  readonly linearizable: boolean | 'unknown';
  readonly linearizabilityDetail: string | null;
  readonly reprotection: { readonly slices: number; readonly timeMs: number | null; readonly slicesPerSecond: number | null };
  readonly mttdl: { readonly beforeYears: number | null; readonly duringYears: number | null; readonly rebuildHours: number | null; readonly formula: string };
  readonly timeline: readonly TimelineEntry[];
  readonly series: readonly SeriesPoint[];
  /** What went wrong besides the numbers (did not recover in time, a restore that failed). */
  readonly problems: readonly string[];
  /** 0 lost, linearizable, recovered. */
  readonly passed: boolean;
}

export const REPORT_WINDOWS_LISTED = 20;
export const SERIES_BUCKET_MS = 250;
export const LOST_KEYS_LISTED = 20;

/** Nearest-rank percentile of sorted values (null when empty). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

export function summarizeLatency(latenciesMs: number[]): LatencySummary {
  const sorted = latenciesMs.sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? null) };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/** One write to a slice as the window needs it: when it was called, when it returned, whether it succeeded. */
export interface WriteAttempt {
  readonly callMs: number;
  /** null: never returned. */
  readonly returnMs: number | null;
  readonly ok: boolean;
}

/**
 * The unavailability window of one slice: the longest gap between consecutive successful writes
 * from the last success before the fault to the end of the fault's effect (`untilMs`). A gap
 * starts at the earlier success or, if no write was waiting then, at the first write called
 * after it: time when no client asked is not unavailability (a sparse workload would count it).
 * A slice with no success after the fault counts until `untilMs`.
 */
export function sliceWindowMs(writes: readonly WriteAttempt[], faultAtMs: number, untilMs: number): number {
  const successes = writes.filter((w) => w.ok && w.returnMs !== null).map((w) => w.returnMs!).sort((a, b) => a - b);
  let previous = Number.NEGATIVE_INFINITY;
  for (const t of successes) if (t <= faultAtMs) previous = t;
  /** When the first write still waiting after `from` was called (or +inf). */
  const firstWaitingAfter = (from: number): number => {
    let first = Number.POSITIVE_INFINITY;
    for (const w of writes) if ((w.returnMs === null || w.returnMs > from) && w.callMs < first) first = Math.max(w.callMs, from);
    return first;
  };
  let longest = 0;
  let sawAfter = false;
  for (const t of successes) {
    if (t <= faultAtMs) continue;
    if (t > untilMs && sawAfter) break;
    longest = Math.max(longest, t - Math.max(previous, Math.min(firstWaitingAfter(previous), t)));
    previous = t;
    sawAfter = true;
  }
  if (!sawAfter) longest = Math.max(0, untilMs - Math.max(previous, Math.min(firstWaitingAfter(previous), untilMs)));
  return longest;
}

export interface FinalRead {
  readonly key: string;
  readonly callMs: number;
  readonly returnMs: number;
  /** null: absent; undefined: the read failed. */
  readonly tag: string | null | undefined;
  readonly version: number;
}

export interface DrillRecording {
  readonly id: string;
  readonly mode: DrillMode;
  readonly seed: number | null;
  readonly startedAtEpochMs: number;
  readonly params: DrillParams;
  readonly targets: readonly string[];
  readonly cluster: DrillReport['cluster'];
  /** Ops with times since the drill started. */
  readonly ops: readonly DrillOp[];
  readonly finalReads: readonly FinalRead[];
  readonly injectedAtMs: number;
  readonly recoveredAtMs: number | null;
  readonly endedAtMs: number;
  readonly affectedSlices: readonly number[];
  readonly timeline: readonly TimelineEntry[];
  readonly series: readonly SeriesPoint[];
  readonly reprotection: { readonly slices: number; readonly startedAtMs: number | null; readonly endedAtMs: number | null };
  /** Drives of the cluster, drives on other nodes per drive, and drives that held a slice's only copy at the worst moment. */
  readonly drives: { readonly count: number; readonly peersPerDrive: number; readonly soleCopyDrivesMax: number };
  readonly problems: readonly string[];
}

/** The linearizability history of the recorded operations (failed writes: outcome unknown). */
export function drillHistory(ops: readonly DrillOp[], finalReads: readonly FinalRead[]): KvOperation[] {
  const history: KvOperation[] = [];
  for (const op of ops) {
    if (op.kind === 'put') {
      const input = { kind: 'put', key: op.key, value: op.tag ?? '' } as const;
      if (op.ok && op.returnMs !== null) history.push({ clientId: op.client, callMs: op.callMs, returnMs: op.returnMs, input, output: { kind: 'put', version: op.version ?? 0 } });
      else history.push({ clientId: op.client, callMs: op.callMs, input });
    } else if (op.ok && op.returnMs !== null) {
      history.push({ clientId: op.client, callMs: op.callMs, returnMs: op.returnMs, input: { kind: 'get', key: op.key }, output: op.tag === null ? { kind: 'get', value: null } : { kind: 'get', value: op.tag, version: op.version ?? 0 } });
    }
  }
  for (const read of finalReads) {
    if (read.tag === undefined) continue;
    history.push({ clientId: 'final-reader', callMs: read.callMs, returnMs: read.returnMs, input: { kind: 'get', key: read.key }, output: read.tag === null ? { kind: 'get', value: null } : { kind: 'get', value: read.tag, version: read.version } });
  }
  return history;
}

export function buildDrillReport(rec: DrillRecording): DrillReport {
  const problems = [...rec.problems];
  const untilMs = rec.recoveredAtMs ?? rec.endedAtMs;
  // Windows: successful writes per affected slice.
  const writes = new Map<number, WriteAttempt[]>();
  const successes = new Map<number, number[]>();
  for (const slice of rec.affectedSlices) {
    writes.set(slice, []);
    successes.set(slice, []);
  }
  for (const op of rec.ops) {
    if (op.kind !== 'put') continue;
    writes.get(op.slice)?.push(op);
    if (op.ok && op.returnMs !== null) successes.get(op.slice)?.push(op.returnMs);
  }
  const windows: SliceWindow[] = [];
  for (const [slice, attempts] of writes) if (attempts.some((w) => w.ok)) windows.push({ slice, windowMs: Math.round(sliceWindowMs(attempts, rec.injectedAtMs, untilMs)) });
  windows.sort((a, b) => b.windowMs - a.windowMs);
  const sortedWindows = windows.map((w) => w.windowMs).sort((a, b) => a - b);
  // Latency by phase, on the call time.
  const before: number[] = [];
  const during: number[] = [];
  const after: number[] = [];
  let opsOk = 0;
  let opsFailed = 0;
  for (const op of rec.ops) {
    if (op.returnMs === null) continue;
    if (!op.ok) {
      opsFailed++;
      continue;
    }
    opsOk++;
    const latency = op.returnMs - op.callMs;
    if (op.callMs < rec.injectedAtMs) before.push(latency);
    else if (op.callMs < untilMs) during.push(latency);
    else after.push(latency);
  }
  // Acknowledged writes lost: an acknowledged version above what the key finally reads.
  const finalVersion = new Map<string, number>();
  for (const read of rec.finalReads) {
    if (read.tag === undefined) problems.push(`final read of ${read.key} failed`);
    else finalVersion.set(read.key, read.tag === null ? 0 : read.version);
  }
  let ackedWrites = 0;
  let ackedWritesLost = 0;
  const lostKeys = new Set<string>();
  for (const op of rec.ops) {
    if (op.kind !== 'put' || !op.ok) continue;
    ackedWrites++;
    const final = finalVersion.get(op.key);
    if (final !== undefined && (op.version ?? 0) > final) {
      ackedWritesLost++;
      lostKeys.add(op.key);
    }
  }
  const check = checkHistory(drillHistory(rec.ops, rec.finalReads));
  const linearizable = check.ok === 'unknown' ? 'unknown' : check.ok;
  const linearizabilityDetail = check.ok === false ? `key ${check.key}: ${check.explanation}` : check.ok === 'unknown' ? `key ${check.key}: the checker's step limit was reached` : null;
  const reprotectionMs = rec.reprotection.startedAtMs !== null && rec.reprotection.endedAtMs !== null ? rec.reprotection.endedAtMs - rec.reprotection.startedAtMs : null;
  const rebuildHours = reprotectionMs === null || reprotectionMs <= 0 ? null : reprotectionMs / 3_600_000;
  let beforeYears: number | null = null;
  if (rebuildHours !== null && rec.drives.count >= 2) {
    beforeYears = estimateMttdl({ driveCount: rec.drives.count, mtbfHours: DEFAULT_MTBF_HOURS, rebuildHours, peersPerDrive: Math.min(rec.drives.count - 1, Math.max(1, rec.drives.peersPerDrive)) }).mttdlYears;
  }
  // While degraded, data is lost when any drive holding a slice's only copy fails: MTBF / those drives.
  const duringYears = rec.drives.soleCopyDrivesMax > 0 ? DEFAULT_MTBF_HOURS / rec.drives.soleCopyDrivesMax / HOURS_PER_YEAR : null;
  // Clients re-routed: every affected slice has served a write again.
  const timeline = [...rec.timeline];
  // (Slices no client wrote to after the fault say nothing either way and are left out.)
  let reroutedAtMs: number | null = null;
  let reroutedSlices = 0;
  let silentSlices = 0;
  for (const [slice, returns] of successes) {
    const first = returns.filter((t) => t > rec.injectedAtMs).sort((a, b) => a - b)[0];
    if (first !== undefined) {
      reroutedAtMs = Math.max(reroutedAtMs ?? 0, first);
      reroutedSlices++;
    } else if ((writes.get(slice) ?? []).some((w) => w.callMs >= rec.injectedAtMs || w.returnMs === null || w.returnMs > rec.injectedAtMs)) {
      silentSlices++;
    }
  }
  if (reroutedAtMs !== null && silentSlices === 0) timeline.push({ atMs: Math.round(reroutedAtMs), kind: 'clients-rerouted', message: `every affected slice written after the fault (${reroutedSlices}) served a write again` });
  timeline.sort((a, b) => a.atMs - b.atMs);
  if (ackedWritesLost > 0) problems.push(`${ackedWritesLost} acknowledged writes lost (keys ${[...lostKeys].slice(0, 5).join(', ')})`);
  if (linearizable === false) problems.push(`not linearizable: ${linearizabilityDetail ?? ''}`);
  return {
    id: rec.id, scenario: rec.params.scenario, mode: rec.mode, seed: rec.seed, startedAtEpochMs: rec.startedAtEpochMs,
    params: rec.params, targets: rec.targets, cluster: rec.cluster, durationMs: Math.round(rec.endedAtMs),
    windowMsP50: percentile(sortedWindows, 50), windowMsP99: percentile(sortedWindows, 99), windowMsMax: sortedWindows[sortedWindows.length - 1] ?? null,
    affectedSlices: windows.length, windows: windows.slice(0, REPORT_WINDOWS_LISTED),
    opsAttempted: rec.ops.length, opsOk, opsFailed,
    latency: { before: summarizeLatency(before), during: summarizeLatency(during), after: summarizeLatency(after) },
    ackedWrites, ackedWritesLost, lostKeys: [...lostKeys].slice(0, LOST_KEYS_LISTED),
    linearizable, linearizabilityDetail,
    reprotection: { slices: rec.reprotection.slices, timeMs: reprotectionMs === null ? null : Math.round(reprotectionMs), slicesPerSecond: reprotectionMs === null || reprotectionMs <= 0 ? null : Math.round((rec.reprotection.slices / reprotectionMs) * 1000 * 10) / 10 },
    mttdl: { beforeYears, duringYears, rebuildHours, formula: 'before: MTBF² / (drives × peers × re-protection time); during: MTBF / drives holding a sole copy' },
    timeline, series: rec.series, problems,
    passed: ackedWritesLost === 0 && linearizable !== false && rec.recoveredAtMs !== null && problems.length === 0,
  };
}
