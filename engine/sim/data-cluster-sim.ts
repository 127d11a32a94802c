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
import { buildTopology, type ClusterTopology } from '../topology/topology';
import { BOOTSTRAP_POLL_MS } from '../cluster/bootstrap';
import type { ClusterHost } from '../cluster/cluster-host';
import { ClusterOrchestrator, type ScaleOutResult } from '../cluster/cluster-orchestrator';
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
/** Simulated operator proposals (scale-out, drive replacement) retry this long: faults never stop. */
export const SIM_PROPOSE_LIMIT_MS = 30_000;

export class DataClusterSim {
  readonly world: SimWorld;
  /** The server's orchestration, on simulated nodes (engine/cluster). */
  readonly orchestrator: ClusterOrchestrator;
  private readonly clients = new Map<string, TesseraClient>();

  constructor(seed: number, private readonly options: DataClusterOptions) {
    const world = new SimWorld(seed);
    this.world = world;
    const topology = buildTopology({ nodeCount: options.nodeCount, vnsPerNode: options.vnsPerNode, drivesPerNode: options.vnsPerNode, driveCapacityBytes: 1e12 });
    // A lying drive: "durable" at once, while the real write lands up to a second later.
    if (options.canaries?.loseFsync === true) world.driveStoreFaults = { ...world.storeFaults, fsyncLies: true, fsyncMinMs: 200, fsyncMaxMs: 1_000 };
    const wiring = { ...defaultControllerWiring(TIMING.heartbeatIntervalMs), canaries: options.canaries, scrubIntervalMs: SIM_SCRUB_INTERVAL_MS };
    const host: ClusterHost = {
      clock: { nowMs: () => world.nowMs() },
      timers: world.hostTimers,
      wallClock: { epochMs: () => SIM_EPOCH_MS + Math.floor(world.nowMs()) },
      log: () => undefined,
      launchNode: (nodeId, bootstrap, started) => {
        if (!world.nodes.has(nodeId)) world.addNode(nodeId);
        const node = new TesseraNode(world.start(nodeId), TIMING, wiring);
        node.start(bootstrap, started);
        return node;
      },
      // A simulated stop is a crash: nothing more runs, unsynced writes are lost.
      haltNode: (nodeId, _node, halted) => {
        world.crash(nodeId);
        halted();
      },
      discardNode: (nodeId) => world.forget(nodeId),
      persistMembership: () => undefined,
      replaceDrive: (nodeId, driveId, replaced) => {
        world.nodes.get(nodeId)?.driveStores.get(driveId)?.replace();
        replaced(null);
      },
    };
    this.orchestrator = new ClusterOrchestrator(host, { clusterId: SIM_CLUSTER_ID, topology, foundingVoters: controllerVoters(topology.nodes.map((n) => n.id)), retiredNodeIds: [] }, { proposeLimitMs: SIM_PROPOSE_LIMIT_MS });
    for (const spec of topology.nodes) this.orchestrator.startNode(spec.id, topology);
  }

  /** The committed topology (the founding one until the controller has it). */
  get topology(): ClusterTopology {
    return this.orchestrator.topology();
  }

  /** Running nodes by id. */
  get nodes(): ReadonlyMap<string, TesseraNode> {
    return this.orchestrator.nodes();
  }

  /** Nodes of the cluster, up or down (with nodes a scale-out is adding; without decommissioned ones). */
  get ids(): string[] {
    return this.orchestrator.memberIds();
  }

  /** Starts a node again after a crash. */
  boot(id: string): void {
    this.orchestrator.startNode(id);
  }

  /** Kills a node; it stays down until `boot` (the topology follower leaves it alone). */
  crash(id: string): void {
    this.orchestrator.stopNode(id, true);
  }

  /** Proposes through the current leader; the result arrives once applied (or refused). */
  propose(command: ControllerCommand, done: (result: CommandResult) => void = () => undefined): void {
    this.orchestrator.propose(command, done);
  }

  /**
   * Scale-out as the server runs it: starts `count` new nodes (empty, joining as Raft learners)
   * and proposes adding them; refused for good, they are stopped again. Returns the new node ids.
   */
  scaleOut(count: number, vnsPerNode: number, done: (result: ScaleOutResult) => void = () => undefined): string[] {
    const before = new Set(this.ids);
    this.orchestrator.scaleOut({ nodes: count, vnsPerNode, drivesPerNode: vnsPerNode, driveCapacityBytes: 1e12 }, 'sim', done);
    return this.ids.filter((id) => !before.has(id));
  }

  /** The drive's device dies (its node notices and reports it). */
  failDrive(nodeId: string, driveId: string): void {
    this.world.nodes.get(nodeId)?.driveStores.get(driveId)?.fail();
  }

  /** An operator swaps in a new, empty drive and tells the controller (as the server does). */
  replaceDrive(driveId: string, done: (result: CommandResult) => void = () => undefined): void {
    this.orchestrator.replaceDrive(driveId, 'sim', done);
  }

  isUp(id: string): boolean {
    return this.world.nodes.get(id)?.up === true;
  }

  leader(): TesseraNode | undefined {
    return this.orchestrator.leader();
  }

  /** The committed state as the current leader holds it. */
  state(): ControllerState | undefined {
    return this.orchestrator.leaderState();
  }

  /**
   * Elects a controller leader and bootstraps the cluster with one container, as the server
   * does; then follows the committed topology. `supervise` runs at each step (the swarm restarts
   * nodes that fail-stopped, as it does later in the run).
   */
  bootstrap(limitMs = 10_000, supervise?: () => void): void {
    let result: CommandResult | undefined;
    this.orchestrator.bootstrap(() => ({
      type: 'bootstrap', actor: 'system', timeMs: 0, clusterId: SIM_CLUSTER_ID, name: 'sim', topology: this.topology,
      settings: { ...DEFAULT_SETTINGS, ...this.options.settings },
      containers: [{ name: 'default', sliceCount: this.options.sliceCount, seedHex: '0123456789abcdef' }],
    }), limitMs, (r) => { result = r; });
    this.world.runUntil(() => {
      supervise?.();
      return result !== undefined;
    }, limitMs + BOOTSTRAP_POLL_MS * 2, 10);
    if (result?.ok !== true) throw new Error(`seed ${this.world.seed}: no bootstrapped leader within ${limitMs} ms (${result?.ok === false ? result.message : 'no answer'})`);
    this.orchestrator.followTopology();
    this.orchestrator.startFollowing();
  }

  client(clientId: string, options?: ClientOptions): TesseraClient {
    const existing = this.clients.get(clientId);
    if (existing !== undefined) return existing;
    this.world.addNode(clientId);
    const runtime = this.world.start(clientId);
    const client = new TesseraClient({ clientId, clock: runtime.clock, timers: runtime.timers, random: runtime.random, transport: runtime.transport, nodes: () => this.ids }, options);
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
