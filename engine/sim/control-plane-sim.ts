// One seeded run of the whole control plane: TesseraNodes with their controller replicas on
// Raft, over the faulty simulated network and crash-losing stores, with crashes, restarts,
// partitions and clock skew along the way. Returns a trace hash (the determinism proof) and the
// final state, so `npm run sim -- --seed N` replays any run exactly.

import { DEFAULT_SETTINGS } from '../controller/settings';
import { defaultControllerWiring } from '../node/controller-wiring';
import { TesseraNode } from '../node/tessera-node';
import { buildTopology } from '../topology/topology';
import { SimWorld } from './sim-world';
import { TraceHash } from './trace-hash';

export interface ControlPlaneSimResult {
  readonly seed: number;
  readonly traceHash: string;
  readonly leader: string | null;
  readonly term: number;
  readonly appliedIndex: number;
  readonly events: readonly string[];
  readonly problem: string | null;
}

const TIMING = { heartbeatIntervalMs: 100, failureDetectionTimeoutMs: 1000 };

export function runControlPlaneSim(seed: number, durationMs = 20_000): ControlPlaneSimResult {
  const world = new SimWorld(seed);
  const nodeCount = 3 + world.random.nextInt(3);
  const topology = buildTopology({ nodeCount, vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 });
  world.network.faults = { dropProbability: world.random.nextFloat() * 0.05, duplicateProbability: 0.02, minDelayMs: 0.1, maxDelayMs: 5 };
  // Crashes tear the batch being written on some seeds: recovery must notice and cope.
  world.storeFaults.tornWriteProbability = world.random.nextFloat() < 0.5 ? 0.5 : 0;
  const clusterId = 'c'.repeat(32);
  const nodes = new Map<string, TesseraNode>();
  const boot = (id: string): void => {
    const node = new TesseraNode(world.start(id), TIMING, defaultControllerWiring(TIMING.heartbeatIntervalMs));
    node.start({ clusterId, topology }, () => undefined);
    nodes.set(id, node);
  };
  for (const spec of topology.nodes) {
    world.addNode(spec.id);
    world.setClockSkew(spec.id, 0.98 + world.random.nextFloat() * 0.04);
    boot(spec.id);
  }
  const trace = new TraceHash();
  let bootstrapped = false;
  const ids = topology.nodes.map((n) => n.id);
  const leader = (): TesseraNode | undefined => [...nodes.entries()].find(([id, n]) => world.nodes.get(id)?.up === true && n.getController()?.isLeader() === true)?.[1];
  for (let t = 0; t < durationMs; t += 100) {
    world.runFor(100);
    const l = leader();
    if (l !== undefined && !bootstrapped) {
      bootstrapped = true;
      l.propose({ type: 'bootstrap', actor: 'system', timeMs: 0, clusterId, name: 'sim', topology, settings: { ...DEFAULT_SETTINGS, autoOnlineTimeoutSeconds: 5 }, containers: [{ name: 'default', sliceCount: 256, seedHex: '0123456789abcdef' }] }, () => undefined);
    }
    // Faults in the middle of the run; the last quarter is calm so the cluster converges.
    if (t > 2_000 && t < durationMs * 0.75) {
      const roll = world.random.nextFloat();
      const victim = ids[world.random.nextInt(ids.length)]!;
      if (roll < 0.02) world.crash(victim);
      else if (roll < 0.05 && world.nodes.get(victim)?.up === false) boot(victim);
      else if (roll < 0.06) world.network.partition([[victim], ids.filter((id) => id !== victim)]);
      else if (roll < 0.08) world.network.heal();
    }
    if (t === Math.floor(durationMs * 0.75 / 100) * 100) {
      world.network.heal();
      for (const id of ids) if (world.nodes.get(id)?.up === false) boot(id);
    }
    for (const [id, n] of nodes) {
      const s = n.getController()?.raftStatus();
      trace.add(`${world.nowMs()} ${id} ${world.nodes.get(id)?.up === true ? 'up' : 'down'} ${s?.role ?? '-'} ${s?.term ?? 0} ${n.controllerState()?.appliedIndex ?? 0}`);
    }
  }
  const l = leader();
  const state = l?.controllerState();
  const status = l?.getController()?.raftStatus();
  let problem: string | null = null;
  if (l === undefined) problem = 'no controller leader at the end of the calm phase';
  else if (state?.clusterId !== clusterId) problem = 'the cluster was never bootstrapped';
  else if (Object.values(state.nodeStates).some((s) => s !== 'up')) problem = `nodes not back up: ${JSON.stringify(state.nodeStates)}`;
  return {
    seed, traceHash: trace.hex(), leader: status?.id ?? null, term: status?.term ?? 0, appliedIndex: state?.appliedIndex ?? 0,
    events: (state?.events ?? []).map((e) => `${e.index} ${e.code} ${e.subject.id}`), problem,
  };
}
