// A simulated Tessera cluster with its data plane and clients: the building block of the data
// plane's simulation tests (and of the cluster swarm). Nodes are real TesseraNodes on the
// deterministic SimWorld; clients are TesseraClients on their own simulated endpoints.

import { TesseraClient, type ClientOptions, type ClientResult } from '../client/tessera-client';
import type { ControllerState } from '../controller/state';
import { DEFAULT_SETTINGS, type ClusterSettings } from '../controller/settings';
import type { WriteCondition } from '../dataplane/messages';
import type { DataPlaneCanaries } from '../dataplane/replica-context';
import { defaultControllerWiring } from '../node/controller-wiring';
import { TesseraNode } from '../node/tessera-node';
import { buildTopology, type ClusterTopology } from '../topology/topology';
import { SimWorld } from './sim-world';

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

export class DataClusterSim {
  readonly world: SimWorld;
  readonly topology: ClusterTopology;
  readonly nodes = new Map<string, TesseraNode>();
  readonly ids: string[];
  private readonly clients = new Map<string, TesseraClient>();

  constructor(seed: number, private readonly options: DataClusterOptions) {
    this.world = new SimWorld(seed);
    this.topology = buildTopology({ nodeCount: options.nodeCount, vnsPerNode: options.vnsPerNode, drivesPerNode: options.vnsPerNode, driveCapacityBytes: 1e12 });
    this.ids = this.topology.nodes.map((n) => n.id);
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
    node.start({ clusterId: SIM_CLUSTER_ID, topology: this.topology }, () => undefined);
    this.nodes.set(id, node);
  }

  crash(id: string): void {
    this.world.crash(id);
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
