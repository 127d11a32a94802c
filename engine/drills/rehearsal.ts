// Rehearsal: a drill in the deterministic simulator, on a copy of the cluster's shape (nodes,
// VNs per node, settings) with the same engine code, in virtual time. Seeded: the same seed and
// parameters replay the same run, operation for operation. Stepped, so a server can run it a
// slice of virtual time at a time without stalling its own event loop.

import type { ControllerState } from '../controller/state';
import type { ClusterSettings } from '../controller/settings';
import { DataClusterSim } from '../sim/data-cluster-sim';
import { SIM_EPOCH_MS } from '../sim/sim-world';
import { SeededRandom } from '../sim/prng';
import { clusterHealthProblem, planDrill } from './drill-plan';
import { DrillRun, type DrillEnvironment, type DrillProgress, type FaultInjector } from './drill-runner';
import type { DrillReport } from './drill-report';
import type { DrillParams, Parsed } from './scenarios';
import type { DrillDataClient } from './workload';

/** The rehearsal keeps the cluster's shape but at most this many slices, so it runs in seconds. */
export const REHEARSAL_SLICES_MAX = 256;
/** A rehearsal gives up after this much virtual time. */
export const REHEARSAL_VIRTUAL_LIMIT_MS = 600_000;
/** Virtual time to bootstrap the copy and see it healthy. */
export const REHEARSAL_SETTLE_LIMIT_MS = 30_000;
export const REHEARSAL_NODES_MAX = 16;

export interface RehearsalShape {
  readonly name: string;
  readonly nodeCount: number;
  readonly vnsPerNode: number;
  readonly sliceCount: number;
  readonly settings: Partial<ClusterSettings>;
}

/** The shape of a running cluster, for its rehearsal. */
export function rehearsalShape(state: ControllerState): RehearsalShape {
  const container = state.containers['default'] ?? Object.values(state.containers)[0];
  return {
    name: state.name,
    nodeCount: Math.min(REHEARSAL_NODES_MAX, Math.max(1, state.topology.nodes.length)),
    vnsPerNode: Math.max(1, state.topology.nodes[0]?.vns.length ?? 1),
    sliceCount: Math.min(REHEARSAL_SLICES_MAX, container?.sliceCount ?? 64),
    settings: state.settings,
  };
}

function leaderOf(sim: DataClusterSim): string | undefined {
  for (const [id, node] of sim.nodes) if (node.getController()?.isLeader() === true && sim.isUp(id) && sim.world.nodes.get(id)?.paused !== true) return id;
  return undefined;
}

export class Rehearsal {
  private report: DrillReport | null = null;
  private lastProgress: DrillProgress | null = null;
  private readonly startedAtMs: number;

  private constructor(readonly sim: DataClusterSim, private readonly run: DrillRun, readonly targets: readonly string[]) {
    this.startedAtMs = sim.world.nowMs();
  }

  /** Builds and settles the simulated copy, then plans the drill on it; refusals say why. */
  static prepare(id: string, seed: number, params: DrillParams, shape: RehearsalShape, actor = 'drill'): Parsed<Rehearsal> {
    const sim = new DataClusterSim(seed, { nodeCount: shape.nodeCount, vnsPerNode: shape.vnsPerNode, sliceCount: shape.sliceCount, settings: shape.settings });
    const world = sim.world;
    try {
      sim.bootstrap();
    } catch (error) {
      return { ok: false, message: `rehearsal: ${(error as Error).message}` };
    }
    world.runUntil(() => clusterHealthProblem(sim.orchestrator.freshestState()) === null && leaderOf(sim) !== undefined, REHEARSAL_SETTLE_LIMIT_MS, 50);
    const plan = planDrill(params, sim.orchestrator.freshestState(), leaderOf(sim));
    if (!plan.ok) return plan;
    const clientIds: string[] = [];
    const nodeOfDrive = (driveId: string): string => driveId.split('/')[0] ?? '';
    const injector: FaultInjector = {
      killNode: (nodeId, done) => { sim.crash(nodeId); done(null); },
      restartNode: (nodeId, done) => { sim.boot(nodeId); done(null); },
      failDrive: (driveId, done) => { sim.failDrive(nodeOfDrive(driveId), driveId); done(null); },
      replaceDrive: (driveId, done) => sim.replaceDrive(driveId, (r) => done(r.ok ? null : r.message)),
      isolateNode: (nodeId, isolated, done) => {
        if (isolated) world.network.partition([[nodeId], [...sim.ids.filter((n) => n !== nodeId), ...clientIds]]);
        else world.network.heal();
        done(null);
      },
      pauseNode: (nodeId, paused, done) => { world.pause(nodeId, paused); done(null); },
      scaleOut: (nodes, done) => { sim.scaleOut(nodes, shape.vnsPerNode, (r) => done(r.ok ? null : r.message)); },
      propose: (command, done) => sim.propose(command, done),
    };
    const env: DrillEnvironment = {
      mode: 'rehearsal', seed, clock: { nowMs: () => world.nowMs() }, wallClock: { epochMs: () => SIM_EPOCH_MS + Math.floor(world.nowMs()) },
      timers: world.hostTimers, random: new SeededRandom(seed ^ 0x0d1a11),
      probe: { state: () => sim.orchestrator.freshestState(), leaderNodeId: () => leaderOf(sim) },
      injector, actor,
      makeClient: (container, index): DrillDataClient => {
        const clientId = index < 0 ? 'drill-reader' : `drill-client-${index}`;
        clientIds.push(clientId);
        const client = sim.client(clientId);
        return {
          put: (key, value, done) => client.put(container, key, value, {}, done),
          get: (key, done) => client.get(container, key, done),
        };
      },
    };
    const run = new DrillRun(env, id, params, plan.value, `rehearsal-${seed}`);
    const rehearsal = new Rehearsal(sim, run, plan.value.targets);
    run.start((p) => { rehearsal.lastProgress = p; }, (report) => { rehearsal.report = report; });
    return { ok: true, value: rehearsal };
  }

  /** Runs up to `virtualMs` more; true once the drill is over (report or give-up). */
  step(virtualMs: number): boolean {
    if (this.report !== null) return true;
    const world = this.sim.world;
    world.runUntil(() => this.result() !== null, virtualMs, 10);
    return this.result() !== null || world.nowMs() - this.startedAtMs > REHEARSAL_VIRTUAL_LIMIT_MS;
  }

  progress(): DrillProgress | null {
    return this.lastProgress ?? this.run.progress();
  }

  /** The report, or null when the rehearsal gave up before finishing. */
  result(): DrillReport | null {
    return this.report;
  }
}

/** A whole rehearsal at once (tests, the CLI without a server). */
export function runRehearsal(id: string, seed: number, params: DrillParams, shape: RehearsalShape): Parsed<DrillReport> {
  const prepared = Rehearsal.prepare(id, seed, params, shape);
  if (!prepared.ok) return prepared;
  while (!prepared.value.step(1_000));
  const report = prepared.value.result();
  if (report === null) return { ok: false, message: `rehearsal: did not finish within ${REHEARSAL_VIRTUAL_LIMIT_MS} ms of virtual time` };
  return { ok: true, value: report };
}
