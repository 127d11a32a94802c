// One drill from start to report: load before the fault (the baseline), the fault, its hold,
// the restore, load after, then stop, read back every key and build the report. Callback
// driven on the injected clock and timers, so the simulator (rehearsal) and the server (live)
// run the same code; what breaks the cluster is behind FaultInjector.

import type { CommandResult, ControllerCommand } from '../controller/commands';
import { roleSpread } from '../controller/auto-rebalance';
import { runningOperation, type ControllerState } from '../controller/state';
import { sliceHasher } from '../hash/slice-of';
import type { MonotonicClock, RandomSource, Timers } from '../runtime/runtime';
import { buildDrillReport, SERIES_BUCKET_MS, type DrillReport, type FinalRead, type SeriesPoint, type TimelineEntry } from './drill-report';
import type { DrillPlan } from './drill-plan';
import type { DrillMode, DrillParams } from './scenarios';
import { decodeTag, Workload, type DrillDataClient, type DrillOp } from './workload';

export type Done = (error: string | null) => void;

/**
 * What a drill breaks and mends. The embedded server implements it on its nodes and transport,
 * the simulator on SimWorld; a multi-process mode would kill and restart processes.
 */
export interface FaultInjector {
  killNode(nodeId: string, done: Done): void;
  restartNode(nodeId: string, done: Done): void;
  failDrive(driveId: string, done: Done): void;
  replaceDrive(driveId: string, done: Done): void;
  /** Cuts the node off from the controller leader and every other node (true), or lets it back. */
  isolateNode(nodeId: string, isolated: boolean, done: Done): void;
  /** Stalls the node's process: its timers and transport (true), or lets it run again. */
  pauseNode(nodeId: string, paused: boolean, done: Done): void;
  scaleOut(nodes: number, done: Done): void;
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void;
}

/** What a drill reads from the cluster. */
export interface ClusterProbe {
  state(): ControllerState | undefined;
  leaderNodeId(): string | undefined;
}

export interface DrillEnvironment {
  readonly mode: DrillMode;
  readonly seed: number | null;
  readonly clock: MonotonicClock;
  readonly wallClock: { epochMs(): number };
  readonly timers: Timers;
  readonly random: RandomSource;
  readonly probe: ClusterProbe;
  readonly injector: FaultInjector;
  /** A client of `container`; index -1 is the final reader. */
  makeClient(container: string, index: number): DrillDataClient;
  /** Who the drill's commands name as actor. */
  readonly actor: string;
}

export type DrillPhase = 'baseline' | 'fault' | 'restoring' | 'after' | 'verifying' | 'done';

export interface DrillProgress {
  readonly phase: DrillPhase;
  readonly elapsedMs: number;
  readonly opsOk: number;
  readonly opsFailed: number;
  readonly timeline: readonly TimelineEntry[];
  readonly series: readonly SeriesPoint[];
}

/** Load before the fault: the latency baseline, and the last success before it. */
export const DRILL_BASELINE_MS = 2_000;
/** Load after the cluster is restored. */
export const DRILL_AFTER_MS = 2_000;
/** How often the drill samples the committed state. */
export const DRILL_SAMPLE_MS = 50;
/** How often progress is reported. */
export const DRILL_PROGRESS_MS = 250;
/** A held fault waits at most this long (beyond its duration) for re-protection. */
export const DRILL_REPROTECT_LIMIT_MS = 60_000;
/** After the restore, the cluster must be healthy within this. */
export const DRILL_RECOVERY_LIMIT_MS = 60_000;
/** A scale-out must have started its migration within this. */
export const DRILL_SCALE_OUT_START_LIMIT_MS = 20_000;
/** Drive replacement is refused while a slice counts on the old drive: tried again this often. */
export const DRILL_REPLACE_RETRY_MS = 500;
/** Timeline entries kept (the events of a big cluster's failover are summarised). */
export const DRILL_TIMELINE_MAX = 200;
/** Final reads in flight at once. */
export const DRILL_FINAL_READS_IN_FLIGHT = 16;

function underProtected(state: ControllerState | undefined): number {
  if (state === undefined) return 0;
  let count = 0;
  for (const c of Object.values(state.containers)) for (const s of c.slices) if (s.inSync.length < 2) count++;
  return count;
}

/** Distinct drives holding the only in-sync copy of some slice. */
function soleCopyDrives(state: ControllerState): number {
  const driveOfVn = new Map(state.topology.nodes.flatMap((n) => n.vns.map((v) => [v.id, v.driveId] as const)));
  const drives = new Set<string>();
  for (const c of Object.values(state.containers)) for (const s of c.slices) if (s.inSync.length === 1) drives.add(driveOfVn.get(s.inSync[0] ?? '') ?? '');
  return drives.size;
}

export class DrillRun {
  private readonly startMs: number;
  private readonly startEpochMs: number;
  private readonly timeline: TimelineEntry[] = [];
  private readonly series: SeriesPoint[] = [];
  private readonly problems: string[] = [];
  private readonly workload: Workload;
  private readonly keys: string[];
  private readonly sliceOf: (key: string) => number;
  private phase: DrillPhase = 'baseline';
  private injectedAtMs = 0;
  private recoveredAtMs: number | null = null;
  private sampler: number | null = null;
  private lastProgressMs = Number.NEGATIVE_INFINITY;
  private eventCursor: { index: number; seq: number };
  private promotions = 0;
  private promotedEntry = -1;
  private degradedSeen = false;
  private healthyAtMs: number | null = null;
  private reprotection = { slices: 0, startedAtMs: null as number | null, endedAtMs: null as number | null };
  private soleCopyDrivesMax = 0;
  private affected = new Set<number>();
  private readonly affectedAll: boolean;
  private settingsToRestore: number | null = null;
  private report: DrillReport | null = null;
  private readonly drives: { count: number; peersPerDrive: number };
  private readonly cluster: DrillReport['cluster'];

  constructor(
    private readonly env: DrillEnvironment,
    private readonly id: string,
    private readonly params: DrillParams,
    private readonly plan: DrillPlan,
    private readonly keyPrefix: string,
  ) {
    const state = env.probe.state();
    if (state === undefined) throw new Error('cluster: no committed state');
    const container = state.containers[plan.container];
    if (container === undefined) throw new Error(`container: no ${plan.container}`);
    this.startMs = env.clock.nowMs();
    this.startEpochMs = env.wallClock.epochMs();
    const lastEvent = state.events[state.events.length - 1];
    this.eventCursor = { index: lastEvent?.index ?? 0, seq: lastEvent?.seq ?? 0 };
    this.sliceOf = sliceHasher(container.seedHex, container.sliceCount);
    this.keys = Array.from({ length: params.load.keySpace }, (_, i) => `${keyPrefix}-${i}`);
    const clients = Array.from({ length: params.load.concurrency }, (_, i) => env.makeClient(plan.container, i));
    const relative: MonotonicClock = { nowMs: () => this.now() };
    this.workload = new Workload(params.load, clients, this.keys, this.sliceOf, relative, env.timers, env.random, (op) => this.recordOp(op));
    this.affectedAll = params.scenario === 'offline-auto-online';
    const driveCount = state.topology.nodes.reduce((sum, n) => sum + n.drives.length, 0);
    const maxPerNode = Math.max(0, ...state.topology.nodes.map((n) => n.drives.length));
    this.drives = { count: driveCount, peersPerDrive: driveCount - maxPerNode };
    this.cluster = { name: state.name, nodes: state.topology.nodes.length, slices: container.sliceCount, container: plan.container };
    this.markAffected(state);
  }

  private now(): number {
    return this.env.clock.nowMs() - this.startMs;
  }

  /** Slices of the workload's keys with a copy on a target (all of them for cluster-wide faults). */
  private markAffected(state: ControllerState): void {
    const touched = new Set(this.keys.map((k) => this.sliceOf(k)));
    const targets = new Set(this.plan.targets);
    const onTarget = new Set(state.topology.nodes.flatMap((n) => n.vns.filter((v) => targets.has(n.id) || targets.has(v.driveId)).map((v) => v.id)));
    const slices = state.containers[this.plan.container]?.slices ?? [];
    for (const index of touched) {
      const slice = slices[index];
      if (slice === undefined) continue;
      if (this.affectedAll || [slice.primary, slice.secondary, ...slice.inSync].some((vn) => onTarget.has(vn))) this.affected.add(index);
    }
  }

  private note(kind: TimelineEntry['kind'], message: string, atMs = this.now()): void {
    if (this.timeline.length >= DRILL_TIMELINE_MAX) return;
    this.timeline.push({ atMs: Math.round(atMs), kind, message });
  }

  private bucket(tMs: number): SeriesPoint {
    const index = Math.max(0, Math.floor(tMs / SERIES_BUCKET_MS));
    while (this.series.length <= index) this.series.push({ tMs: this.series.length * SERIES_BUCKET_MS, ok: 0, failed: 0, maxLatencyMs: 0, underProtected: null });
    return this.series[index]!;
  }

  private recordOp(op: DrillOp): void {
    if (op.returnMs === null) return;
    const point = this.bucket(op.returnMs);
    if (op.ok) {
      point.ok++;
      point.maxLatencyMs = Math.max(point.maxLatencyMs, Math.round(op.returnMs - op.callMs));
    } else point.failed++;
  }

  /** Starts the drill; `progress` while it runs, `done` with the report. */
  start(progress: (p: DrillProgress) => void, done: (report: DrillReport) => void): void {
    const tick = (): void => {
      this.sample();
      if (this.now() - this.lastProgressMs >= DRILL_PROGRESS_MS) {
        this.lastProgressMs = this.now();
        progress(this.progress());
      }
      if (this.phase !== 'done') this.sampler = this.env.timers.schedule(DRILL_SAMPLE_MS, tick);
    };
    this.sampler = this.env.timers.schedule(DRILL_SAMPLE_MS, tick);
    this.workload.start();
    this.after(DRILL_BASELINE_MS, () => this.inject(() => this.hold(() => this.restore(() => this.awaitRecovery(() => this.finish(progress, done))))));
  }

  progress(): DrillProgress {
    let ok = 0;
    let failed = 0;
    for (const p of this.series) {
      ok += p.ok;
      failed += p.failed;
    }
    return { phase: this.phase, elapsedMs: Math.round(this.now()), opsOk: ok, opsFailed: failed, timeline: [...this.timeline], series: [...this.series] };
  }

  result(): DrillReport | null {
    return this.report;
  }

  private after(ms: number, then: () => void): void {
    this.env.timers.schedule(ms, then);
  }

  /** Polls `ready` every sample; `then(true)` once it holds, `then(false)` after `limitMs`. */
  private waitFor(ready: (state: ControllerState | undefined) => boolean, limitMs: number, then: (ok: boolean) => void): void {
    const deadline = this.now() + limitMs;
    const check = (): void => {
      if (ready(this.env.probe.state())) then(true);
      else if (this.now() >= deadline) then(false);
      else this.env.timers.schedule(DRILL_SAMPLE_MS, check);
    };
    check();
  }

  private step(what: string, run: (done: Done) => void, then: () => void): void {
    run((error) => {
      if (error !== null) {
        this.problems.push(`${what}: ${error}`);
        this.note('problem', `${what} failed: ${error}`);
      }
      then();
    });
  }

  private sample(): void {
    const state = this.env.probe.state();
    if (state === undefined) return;
    const now = this.now();
    // New controller events since the drill began.
    const fresh = [];
    for (let i = state.events.length - 1; i >= 0; i--) {
      const e = state.events[i]!;
      if (e.index < this.eventCursor.index || (e.index === this.eventCursor.index && e.seq <= this.eventCursor.seq)) break;
      fresh.push(e);
    }
    fresh.reverse();
    const last = fresh[fresh.length - 1];
    if (last !== undefined) this.eventCursor = { index: last.index, seq: last.seq };
    for (const e of fresh) {
      const atMs = e.timeMs - this.startEpochMs;
      if (e.code === 'node.down' || e.code === 'drive.failed' || e.code === 'cluster.offline') this.note('detected', e.message, atMs);
      else if (e.code === 'slice.failover') {
        this.promotions++;
        if (this.promotedEntry < 0) {
          this.promotedEntry = this.timeline.length;
          this.note('promoted', e.message, atMs);
        }
      } else if (e.code !== 'slice.reconfigured' && e.code !== 'operation.progress') this.note('event', `${e.code}: ${e.message}`, atMs);
    }
    if (this.promotedEntry >= 0 && this.promotions > 1) {
      const entry = this.timeline[this.promotedEntry];
      if (entry !== undefined) this.timeline[this.promotedEntry] = { ...entry, message: `${this.promotions} slice failovers committed (first: ${entry.message.split(' (first: ')[0] ?? ''})` };
    }
    const under = underProtected(state);
    this.bucket(now).underProtected = under;
    if (this.phase === 'baseline') return;
    this.soleCopyDrivesMax = Math.max(this.soleCopyDrivesMax, soleCopyDrives(state));
    if (under > 0 || state.availability === 'offline') {
      if (!this.degradedSeen) this.note('reprotection', `${under} slices down to fewer than two in-sync copies${state.availability === 'offline' ? ', cluster offline' : ''}`);
      this.degradedSeen = true;
      this.healthyAtMs = null;
      this.reprotection.startedAtMs ??= now;
      this.reprotection.slices = Math.max(this.reprotection.slices, under);
      this.reprotection.endedAtMs = null;
    } else if (this.degradedSeen && this.healthyAtMs === null) {
      this.healthyAtMs = now;
      if (this.reprotection.startedAtMs !== null) this.reprotection.endedAtMs = now;
      this.note('healthy', 'every slice has two in-sync copies and the cluster is online');
    }
    if (this.recoveredAtMs !== null && !this.timeline.some((t) => t.kind === 'balanced') && roleSpread(state)?.unbalanced !== true && runningOperation(state) === undefined) {
      this.note('balanced', 'roles balanced and no operation running');
    }
  }

  private inject(then: () => void): void {
    this.phase = 'fault';
    const [first = '', second = ''] = this.plan.targets;
    const injector = this.env.injector;
    const mark = (message: string): void => {
      this.injectedAtMs = this.now();
      this.note('fault-injected', message);
    };
    switch (this.params.scenario) {
      case 'node-kill':
      case 'leader-kill':
        mark(`killed ${first}`);
        this.step(`kill ${first}`, (d) => injector.killNode(first, d), then);
        return;
      case 'drive-fail':
        mark(`drive ${first} failed`);
        this.step(`fail ${first}`, (d) => injector.failDrive(first, d), then);
        return;
      case 'partition':
        mark(`isolated ${first}`);
        this.step(`isolate ${first}`, (d) => injector.isolateNode(first, true, d), then);
        return;
      case 'pause':
        mark(`paused ${first}`);
        this.step(`pause ${first}`, (d) => injector.pauseNode(first, true, d), then);
        return;
      case 'double-failure':
        mark(`killed ${first}`);
        this.step(`kill ${first}`, (d) => injector.killNode(first, d), () => {
          // The second failure waits for the first one's re-protection.
          this.waitFor((s) => this.degradedSeen && underProtected(s) === 0, DRILL_REPROTECT_LIMIT_MS, (ok) => {
            if (!ok) this.problems.push(`the slices of ${first} were not re-protected within ${DRILL_REPROTECT_LIMIT_MS} ms; ${second} failed anyway`);
            this.note('fault-injected', `killed ${second} (second failure)`);
            this.step(`kill ${second}`, (d) => injector.killNode(second, d), then);
          });
        });
        return;
      case 'fail-during-scale-out':
        this.note('event', 'scale-out of one node requested');
        injector.scaleOut(1, (error) => { if (error !== null) this.note('event', `scale-out: ${error}`); });
        this.waitFor((s) => s !== undefined && runningOperation(s)?.kind === 'scale-out', DRILL_SCALE_OUT_START_LIMIT_MS, (ok) => {
          if (!ok) this.problems.push(`the scale-out did not start within ${DRILL_SCALE_OUT_START_LIMIT_MS} ms`);
          mark(`killed ${first} during the scale-out`);
          this.step(`kill ${first}`, (d) => injector.killNode(first, d), then);
        });
        return;
      case 'offline-auto-online': {
        const state = this.env.probe.state();
        this.settingsToRestore = state?.settings.autoOnlineTimeoutSeconds ?? null;
        const seconds = Math.max(1, Math.ceil(this.params.durationMs / 1000));
        const timeMs = this.env.wallClock.epochMs();
        injector.propose({ type: 'settings.set', actor: this.env.actor, timeMs, changes: { autoOnlineTimeoutSeconds: seconds } }, (r) => {
          if (!r.ok) this.problems.push(`set autoOnlineTimeoutSeconds: ${r.message}`);
          mark(`cluster taken offline (auto-online after ${seconds} s)`);
          injector.propose({ type: 'cluster.offline', actor: this.env.actor, timeMs: this.env.wallClock.epochMs(), reason: `drill ${this.id}` }, (o) => {
            if (!o.ok) this.problems.push(`cluster offline: ${o.message}`);
            then();
          });
        });
        return;
      }
    }
  }

  /** Holds the fault for its duration; kills and drive failures also until re-protected. */
  private hold(then: () => void): void {
    const until = this.injectedAtMs + this.params.durationMs;
    const scenario = this.params.scenario;
    if (scenario === 'partition' || scenario === 'pause') {
      this.waitFor(() => this.now() >= until, this.params.durationMs + DRILL_SAMPLE_MS * 2, () => then());
    } else if (scenario === 'offline-auto-online') {
      this.waitFor((s) => this.now() >= until && s?.availability === 'online', this.params.durationMs + DRILL_REPROTECT_LIMIT_MS, (ok) => {
        if (!ok) this.problems.push(`auto-online did not bring the cluster back within ${this.params.durationMs + DRILL_REPROTECT_LIMIT_MS} ms`);
        then();
      });
    } else {
      this.waitFor((s) => this.now() >= until && this.degradedSeen && underProtected(s) === 0, this.params.durationMs + DRILL_REPROTECT_LIMIT_MS, () => then());
    }
  }

  /** Undoes the fault: the cluster is left as it was (plus a scale-out's new node). */
  private restore(then: () => void): void {
    this.phase = 'restoring';
    const [first = '', second = ''] = this.plan.targets;
    const injector = this.env.injector;
    const ended = (message: string): void => this.note('fault-ended', message);
    switch (this.params.scenario) {
      case 'node-kill':
      case 'leader-kill':
      case 'fail-during-scale-out':
        ended(`restarting ${first}`);
        this.step(`restart ${first}`, (d) => injector.restartNode(first, d), then);
        return;
      case 'double-failure':
        ended(`restarting ${first} and ${second}`);
        this.step(`restart ${first}`, (d) => injector.restartNode(first, d), () => this.step(`restart ${second}`, (d) => injector.restartNode(second, d), then));
        return;
      case 'partition':
        ended(`${first} rejoined`);
        this.step(`rejoin ${first}`, (d) => injector.isolateNode(first, false, d), then);
        return;
      case 'pause':
        ended(`${first} resumed`);
        this.step(`resume ${first}`, (d) => injector.pauseNode(first, false, d), then);
        return;
      case 'drive-fail': {
        ended(`replacing ${first}`);
        const deadline = this.now() + DRILL_RECOVERY_LIMIT_MS;
        const attempt = (): void => injector.replaceDrive(first, (error) => {
          if (error === null) then();
          else if (this.now() >= deadline) {
            this.problems.push(`replace ${first}: ${error}`);
            then();
          } else this.after(DRILL_REPLACE_RETRY_MS, attempt);
        });
        attempt();
        return;
      }
      case 'offline-auto-online': {
        ended('auto-online timeout restored');
        const seconds = this.settingsToRestore;
        if (seconds === null) {
          then();
          return;
        }
        injector.propose({ type: 'settings.set', actor: this.env.actor, timeMs: this.env.wallClock.epochMs(), changes: { autoOnlineTimeoutSeconds: seconds } }, (r) => {
          if (!r.ok) this.problems.push(`restore autoOnlineTimeoutSeconds: ${r.message}`);
          then();
        });
        return;
      }
    }
  }

  private awaitRecovery(then: () => void): void {
    const needsOperationDone = this.params.scenario === 'fail-during-scale-out';
    this.waitFor((s) => s !== undefined && s.availability === 'online' && underProtected(s) === 0
      && s.topology.nodes.every((n) => s.nodeStates[n.id] === 'up')
      && (!needsOperationDone || runningOperation(s) === undefined), DRILL_RECOVERY_LIMIT_MS, (ok) => {
      if (ok) {
        this.recoveredAtMs = this.now();
        this.note('restored', 'every node up, every slice two in-sync copies, online');
      } else this.problems.push(`the cluster was not healthy within ${DRILL_RECOVERY_LIMIT_MS} ms of the restore`);
      this.phase = 'after';
      this.after(DRILL_AFTER_MS, then);
    });
  }

  private finish(progress: (p: DrillProgress) => void, done: (report: DrillReport) => void): void {
    this.phase = 'verifying';
    progress(this.progress());
    this.workload.stop(() => {
      const endedAtMs = this.now();
      const reader = this.env.makeClient(this.plan.container, -1);
      const written = [...new Set(this.workload.ops.filter((o) => o.kind === 'put').map((o) => o.key))];
      const reads: FinalRead[] = [];
      let next = 0;
      let inFlight = 0;
      const pump = (): void => {
        while (inFlight < DRILL_FINAL_READS_IN_FLIGHT && next < written.length) {
          const key = written[next++]!;
          const callMs = this.now();
          inFlight++;
          reader.get(key, (r) => {
            inFlight--;
            reads.push({ key, callMs, returnMs: this.now(), tag: r.ok ? decodeTag(r.value) : r.code === 'NotFound' ? null : undefined, version: r.ok ? r.version : 0 });
            pump();
          });
        }
        if (inFlight === 0 && next >= written.length) complete();
      };
      const complete = (): void => {
        if (this.sampler !== null) this.env.timers.cancel(this.sampler);
        this.sample();
        this.phase = 'done';
        this.report = buildDrillReport({
          id: this.id, mode: this.env.mode, seed: this.env.seed, startedAtEpochMs: this.startEpochMs, params: this.params, targets: this.plan.targets,
          cluster: this.cluster, ops: this.workload.ops, finalReads: reads, injectedAtMs: this.injectedAtMs, recoveredAtMs: this.recoveredAtMs, endedAtMs,
          affectedSlices: [...this.affected], timeline: this.timeline, series: this.series, reprotection: this.reprotection,
          drives: { ...this.drives, soleCopyDrivesMax: this.soleCopyDrivesMax }, problems: this.problems,
        });
        progress(this.progress());
        done(this.report);
      };
      pump();
    });
  }
}
