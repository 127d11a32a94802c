// The server's drills: one at a time, as an operation with progress. A rehearsal runs the
// simulator on a copy of the cluster's shape in short slices of real time (so the embedded
// cluster in the same process keeps its heartbeats); a live drill breaks the running cluster
// and restores it. Every report goes to the drill history.

import { randomBytes } from 'node:crypto';
import { planDrill } from '../../engine/drills/drill-plan';
import { DrillRun, type DrillProgress } from '../../engine/drills/drill-runner';
import type { DrillReport } from '../../engine/drills/drill-report';
import { Rehearsal, rehearsalShape } from '../../engine/drills/rehearsal';
import { parseDrillParams, type DrillMode, type DrillParamsInput, type WorkloadInput } from '../../engine/drills/scenarios';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';
import { DrillHistory, type DrillSummary } from './drill-history';
import { liveEnvironment } from './live-environment';

/** A rehearsal slice runs at most this long before yielding to the event loop. */
export const REHEARSAL_SLICE_REAL_MS = 15;
/** Virtual time per simulator step inside a slice. */
export const REHEARSAL_STEP_VIRTUAL_MS = 10;

export type DrillErrorCode = 'BAD_REQUEST' | 'CONFLICT' | 'PRECONDITION_FAILED' | 'NOT_FOUND';

export class DrillError extends Error {
  override readonly name = 'DrillError';
  constructor(readonly code: DrillErrorCode, message: string) {
    super(message);
  }
}

export interface DrillRequest {
  readonly scenario: string;
  readonly mode: DrillMode;
  readonly target?: string | null | undefined;
  readonly durationMs?: number | undefined;
  readonly seed?: number | undefined;
  readonly load?: WorkloadInput | undefined;
  /** Live drills: the cluster's name (or id), typed by the operator. */
  readonly confirm?: string | undefined;
  readonly actor: string;
}

export interface DrillStatus {
  readonly id: string;
  readonly scenario: string;
  readonly mode: DrillMode;
  readonly seed: number | null;
  readonly targets: readonly string[];
  readonly actor: string;
  readonly startedAtEpochMs: number;
  readonly running: boolean;
  readonly progress: DrillProgress | null;
  readonly error: string | null;
  /** Set once the report is in the history. */
  readonly reportId: string | null;
}

function newDrillId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `drill-${stamp}-${randomBytes(3).toString('hex')}`;
}

export class DrillService {
  readonly history: DrillHistory;
  private current: DrillStatus | null = null;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly cluster: EmbeddedCluster) {
    this.history = new DrillHistory(cluster.dataDir);
  }

  status(): DrillStatus | null {
    return this.current;
  }

  list(): DrillSummary[] {
    return this.history.list();
  }

  report(id: string): DrillReport {
    const report = this.history.get(id);
    if (report === undefined) throw new DrillError('NOT_FOUND', `id: no drill report ${id}`);
    return report;
  }

  /** Resolves once no drill runs (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  /** Starts a drill; refusals (bad scenario or target, unconfirmed, busy, unhealthy) throw DrillError. */
  start(request: DrillRequest): DrillStatus {
    if (this.current?.running === true) throw new DrillError('CONFLICT', `drill ${this.current.id} (${this.current.scenario}) is running; one drill at a time`);
    const input: DrillParamsInput = { scenario: request.scenario, target: request.target, durationMs: request.durationMs, load: request.load };
    const parsed = parseDrillParams(input);
    if (!parsed.ok) throw new DrillError('BAD_REQUEST', parsed.message);
    const params = parsed.value;
    const state = this.cluster.controllerState();
    const id = newDrillId();
    const update = (patch: Partial<DrillStatus>): void => {
      if (this.current?.id === id) this.current = { ...this.current, ...patch };
    };
    let finished: () => void = () => undefined;
    const base = { id, scenario: params.scenario, mode: request.mode, actor: request.actor, startedAtEpochMs: Date.now(), running: true, progress: null, error: null, reportId: null };
    const complete = (report: DrillReport | null, error: string | null): void => {
      if (report !== null) {
        try {
          this.history.save(report);
        } catch (e) {
          error = `the report could not be stored: ${(e as Error).message}`;
        }
      }
      update({ running: false, error, reportId: report === null ? null : report.id, progress: this.current?.progress ?? null });
      this.cluster.log(`drill ${id} (${params.scenario}, ${request.mode}) ${report === null ? `failed: ${error ?? ''}` : `done: window p99 ${report.windowMsP99 ?? '-'} ms, ${report.ackedWritesLost} acknowledged writes lost`}`);
      finished();
    };
    if (request.mode === 'live') {
      const name = this.cluster.manifest.name;
      if (request.confirm !== name && request.confirm !== this.cluster.manifest.clusterId) {
        throw new DrillError('PRECONDITION_FAILED', `confirm: a live drill breaks the running cluster; type its name (${name}) to confirm`);
      }
      const plan = planDrill(params, state, this.cluster.leaderNodeId());
      if (!plan.ok) throw new DrillError(plan.message.startsWith('cluster not healthy') ? 'PRECONDITION_FAILED' : 'BAD_REQUEST', plan.message);
      const live = liveEnvironment(this.cluster, request.actor);
      let run: DrillRun;
      try {
        run = new DrillRun(live.env, id, params, plan.value, `drill-${id}`);
      } catch (error) {
        live.close();
        throw new DrillError('PRECONDITION_FAILED', (error as Error).message);
      }
      this.current = { ...base, seed: null, targets: plan.value.targets };
      this.idle = new Promise((resolve) => { finished = resolve; });
      this.cluster.log(`drill ${id}: live ${params.scenario} on ${plan.value.targets.join(', ') || 'the cluster'} by ${request.actor}`);
      run.start((progress) => update({ progress }), (report) => {
        live.close();
        complete(report, null);
      });
      return this.current;
    }
    const seed = request.seed ?? randomBytes(4).readUInt32LE(0) >>> 1;
    const prepared = Rehearsal.prepare(id, seed, params, rehearsalShape(state), request.actor);
    if (!prepared.ok) throw new DrillError('BAD_REQUEST', prepared.message);
    const rehearsal = prepared.value;
    this.current = { ...base, seed, targets: rehearsal.targets };
    this.idle = new Promise((resolve) => { finished = resolve; });
    const pump = (): void => {
      try {
        const until = performance.now() + REHEARSAL_SLICE_REAL_MS;
        let done = false;
        while (!done && performance.now() < until) done = rehearsal.step(REHEARSAL_STEP_VIRTUAL_MS);
        update({ progress: rehearsal.progress() });
        if (!done) {
          setImmediate(pump);
          return;
        }
        const report = rehearsal.result();
        complete(report, report === null ? 'the rehearsal did not finish in its virtual-time limit' : null);
      } catch (error) {
        complete(null, `rehearsal failed: ${(error as Error).message}`);
      }
    };
    setImmediate(pump);
    return this.current;
  }
}

const services = new WeakMap<EmbeddedCluster, DrillService>();

/** The cluster's drill service (one per cluster, so one drill at a time). */
export function drillServiceFor(cluster: EmbeddedCluster): DrillService {
  let service = services.get(cluster);
  if (service === undefined) {
    service = new DrillService(cluster);
    services.set(cluster, service);
  }
  return service;
}
