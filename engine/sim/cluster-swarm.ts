// The cluster swarm: one seed builds a whole Tessera cluster (3-5 nodes with their controller
// and data plane) in the simulator, runs concurrent clients through the client library, injects
// faults, heals, and then judges the run:
// - the clients' history (with final reads of every key) must be linearizable, which also
//   means no acknowledged write was lost;
// - after the heal, every slice must be back to two in-sync copies and the cluster online
//   within 30 simulated seconds;
// - the committed slice maps must respect the placement invariants.
// Same seed, same run: the history hash proves it. `npm run cluster-swarm -- --seed S` replays.

import { checkHistory, type KvOperation } from '../check/linearizability';
import type { ClientResult, TesseraClient } from '../client/tessera-client';
import type { DataPlaneCanaries } from '../dataplane/replica-context';
import { remainingRoleChanges } from '../controller/migration-driver';
import { runningOperation, type ControllerState } from '../controller/state';
import { stateVnHealth } from '../controller/vn-health';
import { DataClusterSim } from './data-cluster-sim';
import { SeededRandom } from './prng';
import { TraceHash } from './trace-hash';

/** A change of the cluster's shape injected during the fault phase, besides the faults. */
export type SwarmPlan = 'none' | 'scale-out' | 'decommission' | 'drive-failure';

export interface SwarmOptions {
  readonly canaries?: DataPlaneCanaries;
  /** Simulated ms of client load with faults. */
  readonly faultPhaseMs?: number;
  /** Force one plan (default: drawn from the seed). */
  readonly plan?: SwarmPlan;
  /** Force a big container of this many slices (0: none; default: drawn from the seed). */
  readonly bigContainerSlices?: number;
}

export interface SwarmResult {
  readonly seed: number;
  readonly nodes: number;
  readonly ops: number;
  readonly acknowledgedWrites: number;
  readonly historyHash: string;
  readonly problem: string | null;
  /**
   * The safety verdict alone: a linearizability violation of the whole history (which includes a
   * lost acknowledged write read back as an older value) or a key whose latest image is gone
   * ("lost") with no rot to explain it. Judged even when the run did not converge; a liveness or
   * placement problem leaves it null. Canaries count as caught only on this.
   */
  readonly safetyProblem: string | null;
  readonly simulatedMs: number;
  readonly faults: readonly string[];
  readonly plan: SwarmPlan;
}

const CONVERGE_LIMIT_MS = 30_000;
/** Longest pause of new faults after a drive dies (see runPlan). */
const DRIVE_DEATH_QUIET_MAX_MS = 10_000;
/** A drive dies only this long after the last network or node fault (failure detection settles). */
const DRIVE_DEATH_CALM_MS = 3_000;
const KEYS_PER_RUN = 6;
const CLIENTS = 3;
/** A whole-process pause (every node of the embedded server stalls at once) lasts this long. */
export const PROCESS_PAUSE_MIN_MS = 1_000;
export const PROCESS_PAUSE_MAX_MS = 5_000;
/** Containers created and deleted while nodes are down: at most this many at once, this small. */
const EXTRA_CONTAINERS_MAX = 2;
const EXTRA_CONTAINER_SLICES = [64, 128, 256] as const;
/** Serving nodes the committed state must have before the swarm creates a container (see createContainer). */
const CONTAINER_CREATE_SERVING_NODES_MIN = 3;
/** ... and this long since the last fault's effect ended (failure detection has settled). */
const CONTAINER_CREATE_CALM_MS = 2_000;
/**
 * One seed in this many also creates a big container (2048 or 4096 slices). Bigger ones do not
 * fit a seed's budget: the nodes' work per applied entry grows with the slice count, and a
 * 16384-slice container under the faults took about 380 s of a busy machine (a plain seed: 10 s).
 */
export const BIG_CONTAINER_EVERY_SEEDS = 100;
const BIG_CONTAINER_SLICES_MIN = 2_048;
const BIG_CONTAINER_SIZES = 2;

interface Recorder {
  readonly history: KvOperation[];
  acknowledgedWrites: number;
}

/** One client's loop: random operations on a few keys, one at a time, recorded with times. */
function runClient(sim: DataClusterSim, client: TesseraClient, clientId: string, recorder: Recorder, keys: readonly string[], running: () => boolean): void {
  const random = sim.world.random.fork();
  let n = 0;
  const next = (): void => {
    if (!running()) return;
    const key = keys[random.nextInt(keys.length)] ?? 'k0';
    const callMs = sim.world.nowMs();
    const roll = random.nextInt(10);
    const value = `${clientId}-${n++}`;
    const after = (): void => { sim.world.queue.schedule(sim.world.nowMs() + random.nextInt(20), next); };
    const unknown = (input: KvOperation['input']): void => { recorder.history.push({ clientId, callMs, input }); };
    const definite = (r: ClientResult<unknown>): boolean => r.ok || ['NotFound', 'PreconditionFailed'].includes(r.code);
    if (roll < 4) {
      client.get('default', key, (r) => {
        if (r.ok) recorder.history.push({ clientId, callMs, returnMs: sim.world.nowMs(), input: { kind: 'get', key }, output: { kind: 'get', value: new TextDecoder().decode(r.value), version: r.version } });
        else if (r.code === 'NotFound') recorder.history.push({ clientId, callMs, returnMs: sim.world.nowMs(), input: { kind: 'get', key }, output: { kind: 'get', value: null } });
        after();
      });
    } else if (roll < 7) {
      client.put('default', key, new TextEncoder().encode(value), {}, (r) => {
        if (r.ok) {
          recorder.acknowledgedWrites++;
          recorder.history.push({ clientId, callMs, returnMs: sim.world.nowMs(), input: { kind: 'put', key, value }, output: { kind: 'put', version: r.version } });
        } else unknown({ kind: 'put', key, value });
        after();
      });
    } else if (roll < 9) {
      // Compare-and-set against the version this client last saw, or create-if-absent.
      const last = [...recorder.history].reverse().find((op) => op.input.key === key && op.output !== undefined && 'version' in op.output);
      const output = last?.output;
      const seen = output !== undefined && 'version' in output ? output.version : undefined;
      const absent = output === undefined || output.kind === 'delete' || (output.kind === 'get' && output.value === null);
      const expected = seen === undefined || seen === 0 || absent ? 'absent' : seen;
      const condition = expected === 'absent' ? { ifNoneMatch: true } : { ifMatch: expected };
      client.put('default', key, new TextEncoder().encode(value), condition, (r) => {
        const input = { kind: 'cas', key, expectedVersion: expected, value } as const;
        if (r.ok) {
          recorder.acknowledgedWrites++;
          recorder.history.push({ clientId, callMs, returnMs: sim.world.nowMs(), input, output: { kind: 'cas', ok: true, version: r.version } });
        } else if (definite(r)) recorder.history.push({ clientId, callMs, returnMs: sim.world.nowMs(), input, output: { kind: 'cas', ok: false } });
        else unknown(input);
        after();
      });
    } else {
      client.delete('default', key, {}, (r) => {
        if (r.ok) {
          recorder.acknowledgedWrites++;
          recorder.history.push({ clientId, callMs, returnMs: sim.world.nowMs(), input: { kind: 'delete', key }, output: { kind: 'delete', version: r.version } });
        } else unknown({ kind: 'delete', key });
        after();
      });
    }
  };
  next();
}

function placementProblem(sim: DataClusterSim): string | null {
  const state = sim.state();
  const vnNode = new Map(sim.topology.nodes.flatMap((n) => n.vns.map((v) => [v.id, n.id] as const)));
  for (const [name, container] of Object.entries(state?.containers ?? {})) {
    for (const [index, slice] of container.slices.entries()) {
      if (slice.secondary !== '' && vnNode.get(slice.primary) === vnNode.get(slice.secondary)) return `${name}/${index}: primary and secondary on one node`;
      if (!slice.inSync.includes(slice.primary)) return `${name}/${index}: primary not in the in-sync set`;
      for (const vn of slice.inSync) if (vn !== slice.primary && vn !== slice.secondary && vn !== slice.learner) return `${name}/${index}: in-sync ${vn} holds no role`;
    }
  }
  return null;
}

/** Every slice of every container has two in-sync copies. */
function fullyProtected(state: ControllerState | undefined): boolean {
  return state !== undefined && Object.values(state.containers).every((c) => c.slices.every((s) => s.inSync.length >= 2));
}

/** Slices by number of in-sync copies, over every container (for the convergence report). */
function copyCounts(state: ControllerState | undefined): { two: number; one: number; none: number } {
  const counts = { two: 0, one: 0, none: 0 };
  for (const container of Object.values(state?.containers ?? {})) {
    for (const slice of container.slices) {
      if (slice.inSync.length >= 2) counts.two++;
      else if (slice.inSync.length === 1) counts.one++;
      else counts.none++;
    }
  }
  return counts;
}

export function runClusterSwarm(seed: number, options: SwarmOptions = {}): SwarmResult {
  // The swarm's own choices come from their own stream, so they do not shift the cluster's.
  const random = new SeededRandom(seed ^ 0x5eed5eed);
  const nodeCount = 3 + random.nextInt(3);
  // Auto-online after 5 s: a slice that lost every copy takes the cluster offline until then.
  const sim = new DataClusterSim(seed, { nodeCount, vnsPerNode: 1 + random.nextInt(2), sliceCount: 64, settings: { autoOnlineTimeoutSeconds: 5 }, ...(options.canaries === undefined ? {} : { canaries: options.canaries }) });
  const world = sim.world;
  const faults: string[] = [];
  world.network.faults = { dropProbability: random.nextFloat() * 0.05, duplicateProbability: random.nextFloat() * 0.05, minDelayMs: 0.1, maxDelayMs: 1 + random.nextFloat() * 9 };
  for (const id of sim.ids) world.setClockSkew(id, 0.98 + random.nextFloat() * 0.04);
  // Disk faults on some seeds: writes torn by crashes, failing fsyncs (the node stops and its
  // supervisor restarts it), bits flipped at rest (the scrub or the next read repairs them).
  const tornWrites = random.nextFloat() < 0.5;
  const fsyncErrors = random.nextFloat() < 0.25;
  const bitFlips = random.nextFloat() < 0.5;
  world.storeFaults.tornWriteProbability = tornWrites ? 0.5 : 0;
  world.storeFaults.fsyncErrorProbability = fsyncErrors ? 0.0002 : 0;
  // Drives keep batches atomic (as lmdb's copy-on-write pages do): the data plane writes an
  // object and its dedup record in one batch and relies on that. Torn writes stay on the system
  // stores, where Raft's checksummed log drops a torn tail.
  // The drives start from what the cluster was built with (a canary's lying fsync stays).
  const driveFaults = { ...(world.driveStoreFaults ?? world.storeFaults), tornWriteProbability: 0, fsyncErrorProbability: world.storeFaults.fsyncErrorProbability };
  world.driveStoreFaults = driveFaults;
  // A node that fail-stops (a failed fsync) is restarted by its supervisor, from the start:
  // the disk faults are on during the bootstrap too.
  const supervise = (): void => {
    for (const [id, node] of sim.nodes) {
      if (sim.isUp(id) && node.status().lifecycle === 'failed') {
        sim.crash(id);
        faults.push(`${world.nowMs()} ${id} failed (${node.status().error ?? ''}), restarting`);
        world.queue.schedule(world.nowMs() + 300, () => { if (!sim.isUp(id)) sim.boot(id); });
      }
    }
  };
  sim.bootstrap(20_000, supervise);
  const recorder: Recorder = { history: [], acknowledgedWrites: 0 };
  const keys = Array.from({ length: KEYS_PER_RUN }, (_, i) => `k${i}`);
  let running = true;
  const clients = Array.from({ length: CLIENTS }, (_, i) => sim.client(`client-${i}`, { deadlineMs: 5_000, attemptTimeoutMs: 500, backoffBaseMs: 10, backoffMaxMs: 300 }));
  clients.forEach((client, i) => runClient(sim, client, `client-${i}`, recorder, keys, () => running));
  const faultPhaseMs = options.faultPhaseMs ?? 15_000;
  // At most a minority of nodes may be down at once (a majority keeps the controller alive).
  const maxDown = Math.floor((nodeCount - 1) / 2);
  // The shape change of this seed, from its own stream so it does not shift the fault draws.
  const planRandom = new SeededRandom(seed ^ 0x0b5e55ed);
  const planRoll = planRandom.nextFloat();
  const plan: SwarmPlan = options.plan ?? (planRoll < 0.2 ? 'scale-out' : planRoll < 0.35 && nodeCount >= 4 ? 'decommission' : planRoll < 0.6 ? 'drive-failure' : 'none');
  const planAtMs = 1_000 + planRandom.nextInt(Math.max(1, faultPhaseMs - 6_000));
  let planDone = plan === 'none';
  let lastFaultAtMs = 0;
  /** When the latest fault's effect is over: a pause's end, the reboot after a power loss. */
  let faultEffectEndsAtMs = 0;
  /** While set and false, the swarm injects no new faults. */
  let quietUntil: (() => boolean) | undefined;
  const failedDrives: Array<{ nodeId: string; driveId: string }> = [];
  const runPlan = (): void => {
    if (planDone || world.nowMs() < planAtMs) return;
    const state = sim.state();
    if (state === undefined) return;
    if (plan === 'scale-out') {
      const added = sim.scaleOut(1, sim.topology.nodes[0]?.vns.length ?? 1, (r) => faults.push(`${world.nowMs()} scale-out ${r.ok ? 'committed' : `refused: ${r.message}`}`));
      faults.push(`${world.nowMs()} scale-out: ${added.join(', ')}`);
      planDone = true;
    } else if (plan === 'decommission') {
      const victim = sim.ids[planRandom.nextInt(sim.ids.length)] ?? 'node-1';
      sim.propose({ type: 'decommission.start', actor: 'swarm', timeMs: world.nowMs(), nodeId: victim }, (r) => { faults.push(`${world.nowMs()} decommission ${victim}: ${r.ok ? 'started' : r.message}`); });
      planDone = true;
    } else if (plan === 'drive-failure') {
      // Only a drive whose every slice has two in-sync copies: losing the last copy of a
      // degraded slice is a double fault that no two-copy system survives.
      // And only in a calm moment, every node up and the network whole: a node cut off or down
      // (or declared down a moment later for an earlier silence) would let the controller keep
      // the dead drive's copy as the only in-sync one before it hears of the death.
      // Calm is measured from the end of the last fault's effect, with the network whole all
      // along (a heal is a fault too): the committed state lags while a partition denies the
      // controller its quorum (seed 60002644: node-2 cut off, node-3 paused; the state still
      // said every copy in sync when the drive died, and the primaries' pending in-sync drops
      // committed a moment later, leaving the dead drive's copies as the only ones).
      const calmSinceMs = Math.max(lastFaultAtMs, faultEffectEndsAtMs);
      if (world.nowMs() - calmSinceMs < DRIVE_DEATH_CALM_MS || !world.network.whole() || sim.ids.some((id) => !sim.isUp(id) || state.nodeStates[id] !== 'up')) return;
      const node = state.topology.nodes[planRandom.nextInt(state.topology.nodes.length)];
      const drive = node?.drives[planRandom.nextInt(node.drives.length)];
      if (node === undefined || drive === undefined || !sim.isUp(node.id)) return;
      const vns = new Set(node.vns.filter((v) => v.driveId === drive.id).map((v) => v.id));
      const safe = Object.values(state.containers).every((c) => c.slices.every((s) => ![s.primary, s.secondary, s.learner ?? ''].some((vn) => vns.has(vn)) || s.inSync.length >= 2));
      if (!safe) return;
      sim.failDrive(node.id, drive.id);
      failedDrives.push({ nodeId: node.id, driveId: drive.id });
      faults.push(`${world.nowMs()} drive ${drive.id} died`);
      planDone = true;
      // No other fault until the death is committed and the slices are re-protected (or 10 s):
      // a second fault inside that window is the double fault two copies cannot survive.
      const diedAtMs = world.nowMs();
      quietUntil = () => world.nowMs() - diedAtMs > DRIVE_DEATH_QUIET_MAX_MS || (sim.state()?.drives[drive.id]?.state === 'failed' && fullyProtected(sim.state()));
    }
  };
  // Containers come and go while nodes are down, and one seed in BIG_CONTAINER_EVERY_SEEDS
  // creates a big one; from their own stream, so they do not shift the fault draws.
  const containerRandom = new SeededRandom(seed ^ 0x0c0a7a1e);
  const extraContainers: string[] = [];
  let containersMade = 0;
  const drawnBigSlices = containerRandom.nextInt(BIG_CONTAINER_EVERY_SEEDS) === 0 ? BIG_CONTAINER_SLICES_MIN << containerRandom.nextInt(BIG_CONTAINER_SIZES) : 0;
  const bigContainerSlices = options.bigContainerSlices ?? drawnBigSlices;
  const bigContainerAtMs = 500 + containerRandom.nextInt(Math.max(1, faultPhaseMs - 5_000));
  let bigContainerMade = bigContainerSlices === 0;
  /** Proposes the container unless the moment is wrong; returns whether it proposed. */
  const createContainer = (name: string, sliceCount: number): boolean => {
    // Placement needs VNs on two serving nodes; with fewer, container.create's apply throws
    // today instead of refusing (seeds 90000004, 90000008, 90000009: a pause had the detector
    // mark a second node down). Until apply is total the swarm proposes once (no retries that
    // land later), only while the committed state has a node to spare, and only in a calm
    // moment: right after a pause the detector's node.down proposals are still ahead of it in
    // the log (seeds 90000118, 90000146).
    const state = sim.state();
    const health = state === undefined ? undefined : stateVnHealth(state);
    const servingNodes = new Set((state?.topology.nodes ?? []).filter((n) => n.vns.some((v) => health?.eligible(v.id) === true)).map((n) => n.id));
    const calmMs = world.nowMs() - Math.max(lastFaultAtMs, faultEffectEndsAtMs);
    if (servingNodes.size < CONTAINER_CREATE_SERVING_NODES_MIN || calmMs < CONTAINER_CREATE_CALM_MS) {
      faults.push(`${world.nowMs()} create container ${name} skipped: ${servingNodes.size} serving nodes, calm for ${calmMs} ms`);
      return false;
    }
    const command = { type: 'container.create', actor: 'swarm', timeMs: world.nowMs(), name, sliceCount, seedHex: (0x1000_0000 + containersMade).toString(16).padStart(16, '0') } as const;
    faults.push(`${world.nowMs()} create container ${name} (${sliceCount} slices), ${sim.ids.filter((id) => !sim.isUp(id)).length} nodes down`);
    sim.propose(command, (r) => { faults.push(`${world.nowMs()} container ${name}: ${r.ok ? 'created' : r.message}`); });
    return true;
  };
  const containerChurn = (): void => {
    if (!bigContainerMade && world.nowMs() >= bigContainerAtMs) {
      // A big container created at a bad moment is tried again at the next step.
      bigContainerMade = createContainer(`big-${containersMade++}`, bigContainerSlices);
    }
    if (!sim.ids.some((id) => !sim.isUp(id)) || containerRandom.nextFloat() >= 0.05) return;
    if (extraContainers.length < EXTRA_CONTAINERS_MAX && (extraContainers.length === 0 || containerRandom.nextFloat() < 0.5)) {
      const name = `extra-${containersMade++}`;
      if (createContainer(name, EXTRA_CONTAINER_SLICES[containerRandom.nextInt(EXTRA_CONTAINER_SLICES.length)] ?? 64)) extraContainers.push(name);
    } else if (extraContainers.length > 0) {
      const name = extraContainers.splice(containerRandom.nextInt(extraContainers.length), 1)[0] ?? '';
      faults.push(`${world.nowMs()} delete container ${name}, ${sim.ids.filter((id) => !sim.isUp(id)).length} nodes down`);
      sim.orchestrator.proposeWithRetry({ type: 'container.delete', actor: 'swarm', timeMs: world.nowMs(), name }, { applied: (state) => state.containers[name] === undefined }, (r) => { faults.push(`${world.nowMs()} container ${name}: ${r.ok ? 'deleted' : r.message}`); });
    }
  };
  const rotNode = sim.ids[random.nextInt(sim.ids.length)] ?? 'node-1';
  let lastFlipMs = Number.NEGATIVE_INFINITY;
  /** Keys whose record rotted somewhere: if it also was the only in-sync copy, loss is expected. */
  const rotted = new Set<string>();
  for (let t = 0; t < faultPhaseMs; t += 100) {
    world.runFor(100);
    supervise();
    runPlan();
    if (quietUntil !== undefined) {
      if (!quietUntil()) continue;
      quietUntil = undefined;
    }
    containerChurn();
    // Bit rot on one node per seed, at most one flip per 5 s: the scrub (every 2 s) or the next
    // read repairs it from the other copy. Two copies cannot survive a record rotting on both.
    if (bitFlips && world.nowMs() - lastFlipMs > 5_000 && random.nextFloat() < 0.05) {
      const stores = [...(world.nodes.get(rotNode)?.driveStores.values() ?? [])];
      const store = stores[random.nextInt(Math.max(1, stores.length))];
      // Only records of slices with two in-sync copies, one of them here, and only a record the
      // other copy holds byte for byte: rot on the only copy of a degraded slice, or on a write
      // still on its way to the other copy, is a double fault that no two-copy system survives
      // (seed 70005128: a write stuck behind a cut link rotted on its primary).
      const state = sim.state();
      const container = state?.containers['default'];
      const placeOfVn = new Map((state?.topology.nodes ?? []).flatMap((n) => n.vns.map((v) => [v.id, { nodeId: n.id, driveId: v.driveId }] as const)));
      const eligible = (storeKey: string): boolean => {
        const match = /^o\/[0-9a-f]{16}\/([0-9a-f]{4})\//.exec(storeKey);
        const slice = match?.[1] === undefined ? undefined : container?.slices[parseInt(match[1], 16)];
        if (slice === undefined || slice.inSync.length !== 2 || !slice.inSync.some((vn) => vn.startsWith(`${rotNode}/`))) return false;
        const other = placeOfVn.get(slice.inSync.find((vn) => !vn.startsWith(`${rotNode}/`)) ?? '');
        const theirs = other === undefined ? undefined : world.nodes.get(other.nodeId)?.driveStores.get(other.driveId)?.get(storeKey);
        const mine = store?.get(storeKey);
        return mine !== undefined && theirs !== undefined && mine.length === theirs.length && mine.every((byte, i) => byte === theirs[i]);
      };
      const flipped = store?.flipBit(eligible);
      if (flipped !== undefined) {
        rotted.add(flipped.slice(flipped.lastIndexOf('/') + 1));
        lastFlipMs = world.nowMs();
        faults.push(`${world.nowMs()} bit flip on ${rotNode}: ${flipped}`);
      }
    }
    const faultsBefore = faults.length;
    const roll = random.nextFloat();
    const victim = sim.ids[random.nextInt(sim.ids.length)] ?? 'node-1';
    const down = sim.ids.filter((id) => !sim.isUp(id));
    if (roll < 0.01 && down.length < maxDown && sim.isUp(victim)) {
      sim.crash(victim);
      faults.push(`${world.nowMs()} crash ${victim}`);
    } else if (roll < 0.03 && !sim.isUp(victim)) {
      sim.boot(victim);
      faults.push(`${world.nowMs()} restart ${victim}`);
    } else if (roll < 0.035) {
      world.network.partition([[victim], sim.ids.filter((id) => id !== victim)]);
      faults.push(`${world.nowMs()} isolate ${victim}`);
    } else if (roll < 0.04) {
      // Asymmetric: the victim hears everyone, but one peer no longer hears it.
      const peer = sim.ids[random.nextInt(sim.ids.length)] ?? victim;
      if (peer !== victim) {
        world.network.cutLink(victim, peer);
        faults.push(`${world.nowMs()} cut ${victim}->${peer}`);
      }
    } else if (roll < 0.045 && sim.isUp(victim)) {
      // A long stall (GC, VM pause): the node runs nothing, then resumes as if no time passed.
      const pausedMs = 200 + random.nextInt(2_000);
      world.pause(victim, true);
      world.queue.schedule(world.nowMs() + pausedMs, () => world.pause(victim, false));
      faultEffectEndsAtMs = Math.max(faultEffectEndsAtMs, world.nowMs() + pausedMs);
      faults.push(`${world.nowMs()} pause ${victim} ${pausedMs} ms`);
    } else if (roll < 0.058) {
      world.network.heal();
      faults.push(`${world.nowMs()} heal`);
    } else if (roll < 0.06) {
      // Power loss: every node at once; only what reached the platters survives.
      for (const id of sim.ids) sim.crash(id);
      const rebootInMs = 200 + random.nextInt(800);
      world.queue.schedule(world.nowMs() + rebootInMs, () => { for (const id of sim.ids) if (!sim.isUp(id)) sim.boot(id); });
      faultEffectEndsAtMs = Math.max(faultEffectEndsAtMs, world.nowMs() + rebootInMs);
      faults.push(`${world.nowMs()} power loss`);
    } else if (roll < 0.062) {
      // The embedded server's stall: every node of the process pauses at once (GC, VM, swap).
      const pausedMs = PROCESS_PAUSE_MIN_MS + random.nextInt(PROCESS_PAUSE_MAX_MS - PROCESS_PAUSE_MIN_MS + 1);
      const paused = sim.ids.filter((id) => sim.isUp(id));
      for (const id of paused) world.pause(id, true);
      world.queue.schedule(world.nowMs() + pausedMs, () => { for (const id of paused) world.pause(id, false); });
      faultEffectEndsAtMs = Math.max(faultEffectEndsAtMs, world.nowMs() + pausedMs);
      faults.push(`${world.nowMs()} process pause ${pausedMs} ms`);
    }
    if (faults.length > faultsBefore) lastFaultAtMs = world.nowMs();
  }
  // Heal: network whole, disks sound, every node up; the cluster must converge.
  world.network.heal();
  world.storeFaults.fsyncErrorProbability = 0;
  driveFaults.fsyncErrorProbability = 0;
  supervise();
  for (const id of sim.ids) if (!sim.isUp(id)) sim.boot(id);
  const healedAt = world.nowMs();
  // A dead drive is swapped for a new one (refused until no slice counts on it any more).
  let replacing = false;
  const converged = world.runUntil(() => {
    supervise();
    const state = sim.state();
    const dead = failedDrives[0];
    if (dead !== undefined && !replacing) {
      replacing = true;
      sim.replaceDrive(dead.driveId, (r) => {
        replacing = false;
        if (r.ok) failedDrives.shift();
      });
    }
    return failedDrives.length === 0 && fullyProtected(state) && state?.availability === 'online' && runningOperation(state) === undefined
      // Every member is up. A node a rolled-back scale-out started is not a member (seed 8531436:
      // a power loss during the scale-out made its start fail, and the orchestration rolled back).
      && sim.ids.every((id) => state.nodeStates[id] === 'up' || !state.topology.nodes.some((n) => n.id === id));
  }, CONVERGE_LIMIT_MS, 100);
  running = false;
  world.runFor(6_000);
  // Final reads: every key, by a fresh client, after everything settled.
  const reader = sim.client('reader');
  const unreadable: string[] = [];
  const lost: string[] = [];
  for (const key of keys) {
    const callMs = world.nowMs();
    const r = sim.await<{ version: number; value: Uint8Array }>((done) => reader.get('default', key, done), 20_000);
    if (r.ok) recorder.history.push({ clientId: 'reader', callMs, returnMs: world.nowMs(), input: { kind: 'get', key }, output: { kind: 'get', value: new TextDecoder().decode(r.value), version: r.version } });
    else if (r.code === 'NotFound') recorder.history.push({ clientId: 'reader', callMs, returnMs: world.nowMs(), input: { kind: 'get', key }, output: { kind: 'get', value: null } });
    // A record that rotted while it was the only in-sync copy (the slice degraded by other
    // faults) is lost: two copies cannot help. That loss must be loud, never silent.
    else if (!(rotted.has(key) && r.code === 'Internal' && r.message.includes('lost'))) {
      unreadable.push(`${key}: ${r.code} ${r.message}`);
      if (r.code === 'Internal' && r.message.includes('lost')) lost.push(`${key}: ${r.message}`);
    }
  }
  const trace = new TraceHash();
  for (const op of recorder.history) trace.add(JSON.stringify(op));
  let problem: string | null = null;
  if (!converged) {
    const state = sim.state();
    const op = state === undefined ? undefined : runningOperation(state);
    problem = `did not converge within ${CONVERGE_LIMIT_MS} ms of the heal (at ${healedAt}): ${JSON.stringify(copyCounts(state))}, ${state?.availability ?? 'no leader'}, ` +
      `nodes ${JSON.stringify(state?.nodeStates ?? {})}, drives left ${failedDrives.length}, operation ${op === undefined ? 'none' : `${op.id} ${op.kind} with ${remainingRoleChanges(state!, op)} role changes left`}`;
  }
  problem ??= placementProblem(sim);
  if (problem === null && unreadable.length > 0) problem = `keys unreadable after the heal: ${unreadable.join('; ')}`;
  const check = checkHistory(recorder.history);
  const notLinearizable = check.ok === false ? `not linearizable on ${check.key}: ${check.explanation}` : null;
  const safetyProblem = notLinearizable ?? (lost.length > 0 ? `keys lost with no rot to explain it: ${lost.join('; ')}` : null);
  problem ??= notLinearizable;
  return { seed, nodes: nodeCount, ops: recorder.history.length, acknowledgedWrites: recorder.acknowledgedWrites, historyHash: trace.hex(), problem, safetyProblem, simulatedMs: world.nowMs(), faults, plan };
}
