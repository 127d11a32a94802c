// A simulated Tessera cluster with its data plane and clients: the building block of the data
// plane's simulation tests (and of the cluster swarm). Nodes are real TesseraNodes on the
// deterministic SimWorld; clients are TesseraClients on their own simulated endpoints.

import { TesseraClient, type ClientOptions, type ClientResult } from '../client/tessera-client';
import type { ControllerState } from '../controller/state';
import { DEFAULT_SETTINGS, type ClusterSettings } from '../controller/settings';
import type { WriteCondition } from '../dataplane/messages';
import type { DataPlaneCanaries } from '../dataplane/replica-context';
import { defaultControllerWiring } from '../node/controller-wiring';
import { controllerVoters, TesseraNode } from '../node/tessera-node';
import type { CommandResult, ControllerCommand } from '../controller/commands';
import { buildNodeSpec, buildTopology, nextNodeIds, type ClusterTopology, type NodeSpec } from '../topology/topology';
import { SIM_EPOCH_MS, SimWorld } from './sim-world';

export interface DataClusterOptions {
  readonly nodeCount: number;
  readonly vnsPerNode: number;
  readonly sliceCount: number;
  readonly settings?: Partial<ClusterSettings>;
  readonly canaries?: DataPlaneCanaries;
}

const TIMING = { heartbeatIntervalMs: 100, failureDetectionTimeoutMs: 1000 };
export const SIM_CLUSTER_ID = 'c'.repeat(32);
/** Simulated clusters scrub every 2 s: runs are short and bit flips are frequent. */
export const SIM_SCRUB_INTERVAL_MS = 2_000;
/** An operator-style proposal is retried this often, for at most this long. */
export const PROPOSE_RETRY_MS = 200;
export const PROPOSE_RETRY_LIMIT_MS = 30_000;
/** One attempt waits this long for an answer (a crashed leader never gives one). */
export const PROPOSE_ATTEMPT_MS = 6_000;
const RETRYABLE_PROPOSAL_CODES: ReadonlySet<string> = new Set(['NoLeader', 'NotLeader', 'Timeout', 'Stopped', 'Busy']);

export class DataClusterSim {
  readonly world: SimWorld;
  /** The topology new nodes are bootstrapped with (grows with scale-out). */
  topology: ClusterTopology;
  readonly nodes = new Map<string, TesseraNode>();
  /** Nodes of the cluster (a decommissioned node leaves this list once it is removed). */
  readonly ids: string[];
  /** The controller voters the cluster was founded with (the base of Raft's configuration). */
  private readonly foundingVoters: readonly string[];
  private readonly clients = new Map<string, TesseraClient>();

  constructor(seed: number, private readonly options: DataClusterOptions) {
    this.world = new SimWorld(seed);
    this.topology = buildTopology({ nodeCount: options.nodeCount, vnsPerNode: options.vnsPerNode, drivesPerNode: options.vnsPerNode, driveCapacityBytes: 1e12 });
    this.ids = this.topology.nodes.map((n) => n.id);
    this.foundingVoters = controllerVoters(this.ids);
    // A lying drive: "durable" at once, while the real write lands up to a second later.
    if (options.canaries?.loseFsync === true) this.world.driveStoreFaults = { ...this.world.storeFaults, fsyncLies: true, fsyncMinMs: 200, fsyncMaxMs: 1_000 };
    for (const id of this.ids) {
      this.world.addNode(id);
      this.boot(id);
    }
  }

  boot(id: string): void {
    const wiring = { ...defaultControllerWiring(TIMING.heartbeatIntervalMs), canaries: this.options.canaries, scrubIntervalMs: SIM_SCRUB_INTERVAL_MS };
    const node = new TesseraNode(this.world.start(id), TIMING, wiring);
    node.start({ clusterId: SIM_CLUSTER_ID, topology: this.topology, voters: this.foundingVoters }, () => undefined);
    this.nodes.set(id, node);
  }

  crash(id: string): void {
    this.world.crash(id);
  }

  /** Proposes through the current leader; the result arrives once applied (or refused). */
  propose(command: ControllerCommand, done: (result: CommandResult) => void = () => undefined): void {
    const leader = this.leader();
    if (leader === undefined) done({ ok: false, code: 'NoLeader', message: 'no controller leader' });
    else leader.propose(command, done);
  }

  /**
   * Proposes until the command is applied or definitely refused, as an operator retrying would:
   * no leader, a leader change or a timeout (the command may have applied: `applied` decides)
   * mean try again.
   */
  proposeUntilApplied(command: ControllerCommand, applied: (state: ControllerState) => boolean, done: (result: CommandResult) => void = () => undefined): void {
    const deadlineMs = this.world.nowMs() + PROPOSE_RETRY_LIMIT_MS;
    const attempt = (): void => {
      const state = this.state();
      if (state !== undefined && applied(state)) {
        done({ ok: true });
        return;
      }
      // A leader that crashes never answers: give up on this attempt after a while.
      let answered = false;
      this.world.queue.schedule(this.world.nowMs() + PROPOSE_ATTEMPT_MS, () => {
        if (answered) return;
        answered = true;
        if (this.world.nowMs() > deadlineMs) done({ ok: false, code: 'Timeout', message: `not applied within ${PROPOSE_RETRY_LIMIT_MS} ms` });
        else attempt();
      });
      this.propose(command, (result) => {
        if (answered) return;
        answered = true;
        if (result.ok || !RETRYABLE_PROPOSAL_CODES.has(result.code) || this.world.nowMs() > deadlineMs) {
          const now = this.state();
          done(!result.ok && now !== undefined && applied(now) ? { ok: true } : result);
          return;
        }
        this.world.queue.schedule(this.world.nowMs() + PROPOSE_RETRY_MS, attempt);
      });
    };
    attempt();
  }

  /**
   * Scale-out: starts `count` new nodes (empty, joining as Raft learners) and proposes adding
   * them; the controller leader then migrates slices onto them. Returns the new node ids.
   */
  scaleOut(count: number, vnsPerNode: number, done: (result: CommandResult) => void = () => undefined): string[] {
    const specs: NodeSpec[] = nextNodeIds([...this.world.nodes.keys()], count).map((id) => buildNodeSpec(id, { vnsPerNode, drivesPerNode: vnsPerNode, driveCapacityBytes: 1e12 }));
    this.topology = { nodes: [...this.topology.nodes, ...specs] };
    for (const spec of specs) {
      this.ids.push(spec.id);
      this.world.addNode(spec.id);
      this.boot(spec.id);
    }
    const command: ControllerCommand = { type: 'scale-out.start', actor: 'sim', timeMs: SIM_EPOCH_MS + Math.floor(this.world.nowMs()), nodes: specs };
    this.proposeUntilApplied(command, (state) => specs.every((spec) => state.nodeStates[spec.id] !== undefined), (result) => {
      if (!result.ok) {
        // Refused for good: the nodes never joined; stop them.
        for (const spec of specs) {
          this.crash(spec.id);
          this.ids.splice(this.ids.indexOf(spec.id), 1);
          this.nodes.delete(spec.id);
        }
        this.topology = { nodes: this.topology.nodes.filter((n) => !specs.includes(n)) };
      }
      done(result);
    });
    return specs.map((s) => s.id);
  }

  /** Stops nodes the committed topology no longer has (a finished decommission). */
  retireRemovedNodes(): string[] {
    const state = this.state();
    if (state === undefined) return [];
    // Only nodes a finished decommission took out (a node just added may not be committed yet).
    const decommissioned = new Set(state.operations.filter((op) => op.kind === 'decommission' && op.state === 'done').flatMap((op) => op.nodes));
    const removed = this.ids.filter((id) => decommissioned.has(id) && !state.topology.nodes.some((n) => n.id === id));
    for (const id of removed) {
      this.crash(id);
      this.ids.splice(this.ids.indexOf(id), 1);
      this.nodes.delete(id);
    }
    if (removed.length > 0) this.topology = state.topology;
    return removed;
  }

  /** The drive's device dies (its node notices and reports it). */
  failDrive(nodeId: string, driveId: string): void {
    this.world.nodes.get(nodeId)?.driveStores.get(driveId)?.fail();
  }

  /** An operator swaps in a new, empty drive and tells the controller. */
  replaceDrive(nodeId: string, driveId: string, done: (result: CommandResult) => void = () => undefined): void {
    // As the real server does: only once the failure is committed and no slice counts on a copy
    // on the drive. Swapping it earlier would hand its node an empty drive under VNs it still
    // serves (seed 6457953: a primary read an empty slice before it noticed the death).
    const state = this.state();
    const vns = new Set(this.topology.nodes.concat(state?.topology.nodes ?? []).flatMap((n) => n.vns).filter((v) => v.driveId === driveId).map((v) => v.id));
    const counted = Object.values(state?.containers ?? {}).some((c) => c.slices.some((s) => s.inSync.some((vn) => vns.has(vn))));
    if (state?.drives[driveId]?.state !== 'failed' || counted) {
      this.world.queue.schedule(this.world.nowMs(), () => done({ ok: false, code: 'Conflict', message: `drive ${driveId}: not failed in the committed state, or a slice still counts on it` }));
      return;
    }
    this.world.nodes.get(nodeId)?.driveStores.get(driveId)?.replace();
    const generation = this.state()?.drives[driveId]?.generation ?? 0;
    this.proposeUntilApplied({ type: 'drive.replace', actor: 'sim', timeMs: SIM_EPOCH_MS + Math.floor(this.world.nowMs()), driveId, reason: 'replaced in simulation' },
      (state) => (state.drives[driveId]?.generation ?? 0) > generation, done);
  }

  isUp(id: string): boolean {
    return this.world.nodes.get(id)?.up === true;
  }

  leader(): TesseraNode | undefined {
    for (const [id, node] of this.nodes) if (this.isUp(id) && node.getController()?.isLeader() === true) return node;
    return undefined;
  }

  /** The committed state as the current leader holds it. */
  state(): ControllerState | undefined {
    return this.leader()?.controllerState();
  }

  /**
   * Elects a controller leader, bootstraps the cluster with one container, waits until it serves.
   * The bootstrap command is proposed again to each new leader (or term) until it applies: a
   * leader can lose its proposal by failing or stepping down before committing it, and a second
   * bootstrap is refused harmlessly. `supervise` runs at each step (the swarm restarts nodes
   * that fail-stopped, as it does later in the run).
   */
  bootstrap(limitMs = 10_000, supervise?: () => void): void {
    let proposedTo: string | undefined;
    const ok = this.world.runUntil(() => {
      supervise?.();
      const leader = this.leader();
      if (leader === undefined) return false;
      if (leader.controllerState()?.clusterId === SIM_CLUSTER_ID) return true;
      const status = leader.getController()?.raftStatus();
      const target = `${status?.id ?? ''}@${status?.term ?? 0}`;
      if (proposedTo !== target) {
        proposedTo = target;
        leader.propose({
          type: 'bootstrap', actor: 'system', timeMs: 0, clusterId: SIM_CLUSTER_ID, name: 'sim', topology: this.topology,
          settings: { ...DEFAULT_SETTINGS, ...this.options.settings },
          containers: [{ name: 'default', sliceCount: this.options.sliceCount, seedHex: '0123456789abcdef' }],
        }, (result) => {
          // Refused or timed out while this leader still leads: propose again at the next step.
          if (!result.ok && proposedTo === target && result.code !== 'AlreadyBootstrapped') proposedTo = undefined;
        });
      }
      return false;
    }, limitMs, 10);
    if (!ok) throw new Error(`seed ${this.world.seed}: no bootstrapped leader within ${limitMs} ms`);
  }

  client(clientId: string, options?: ClientOptions): TesseraClient {
    const existing = this.clients.get(clientId);
    if (existing !== undefined) return existing;
    this.world.addNode(clientId);
    const runtime = this.world.start(clientId);
    const client = new TesseraClient({ clientId, clock: runtime.clock, timers: runtime.timers, random: runtime.random, transport: runtime.transport, nodes: this.ids }, options);
    this.clients.set(clientId, client);
    return client;
  }

  /** Runs one client call to completion in simulated time. */
  await<T>(start: (done: (result: ClientResult<T>) => void) => void, limitMs = 30_000): ClientResult<T> {
    let outcome: ClientResult<T> | undefined;
    start((result) => { outcome = result; });
    this.world.runUntil(() => outcome !== undefined, limitMs, 5);
    if (outcome === undefined) throw new Error(`seed ${this.world.seed}: call did not finish within ${limitMs} ms`);
    return outcome;
  }

  put(client: TesseraClient, key: string, value: string, condition: WriteCondition = {}): ClientResult<{ version: number }> {
    return this.await((done) => client.put('default', key, new TextEncoder().encode(value), condition, done));
  }

  get(client: TesseraClient, key: string): ClientResult<{ version: number; value: string }> {
    const result = this.await<{ version: number; value: Uint8Array }>((done) => client.get('default', key, done));
    return result.ok ? { ok: true, version: result.version, value: new TextDecoder().decode(result.value) } : result;
  }

  /** Slices of `default` by number of in-sync copies. */
  copies(): { two: number; one: number; none: number } {
    const slices = this.state()?.containers['default']?.slices ?? [];
    return {
      two: slices.filter((s) => s.inSync.length >= 2).length,
      one: slices.filter((s) => s.inSync.length === 1).length,
      none: slices.filter((s) => s.inSync.length === 0).length,
    };
  }
}
