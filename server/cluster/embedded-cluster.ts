// The embedded cluster: N data nodes in this process, each with its own directory, runtime,
// engine node and controller replica (Raft), talking through the in-process hub. Owns the data
// directory's lock and manifest, bootstraps the controller on a new cluster, and answers the
// console's questions from the controller's committed state.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CommandResult, ControllerCommand } from '../../engine/controller/commands';
import type { RaftStatusView } from '../../engine/controller/raft-port';
import { emptyControllerState, type ControllerState } from '../../engine/controller/state';
import { DEFAULT_SETTINGS } from '../../engine/controller/settings';
import { TesseraNode } from '../../engine/node/tessera-node';
import { buildTopology, type ClusterTopology } from '../../engine/topology/topology';
import type { ClusterConfig } from '../config/cluster-config';
import { InProcessHub } from '../runtime/in-process-transport';
import { RealNodeRuntime } from '../runtime/real-runtime';
import { DataClient } from './data-client';
import { ensureWritableDataDir, lockDataDir, readManifest, writeManifest, type DataDirManifest } from './data-dir';
import type { ClusterOverview, NodeOverview } from './overview';
import { makeControllerWiring } from './wiring';

interface RunningNode {
  readonly runtime: RealNodeRuntime;
  readonly node: TesseraNode;
}

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  readonly config: ClusterConfig;
  readonly log: (line: string) => void;
}

/** How long start-up waits for the controller to elect a leader and bootstrap. */
export const CONTROLLER_READY_TIMEOUT_MS = 20_000;
const CONTROLLER_POLL_MS = 25;

export class ControllerError extends Error {
  override readonly name = 'ControllerError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class EmbeddedCluster {
  private readonly nodes = new Map<string, RunningNode>();
  private readonly hub = new InProcessHub();
  private readonly startedAtMs = performance.now();
  private releaseLock: (() => void) | undefined;
  private dataClient: DataClient | undefined;

  private constructor(private readonly options: EmbeddedClusterOptions, readonly manifest: DataDirManifest) {}

  /** Opens (or creates) the cluster in the data directory and waits until the controller serves. */
  static async open(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
    ensureWritableDataDir(options.dataDir);
    const releaseLock = lockDataDir(options.dataDir);
    let cluster: EmbeddedCluster | undefined;
    try {
      let manifest: DataDirManifest | undefined = readManifest(options.dataDir);
      if (manifest === undefined) {
        const topology = buildTopology({
          nodeCount: options.config.topology.nodes,
          vnsPerNode: options.config.topology.vnsPerNode,
          drivesPerNode: options.config.topology.drivesPerNode,
          driveCapacityBytes: options.config.topology.driveCapacityBytes,
        });
        manifest = { formatVersion: 1, clusterId: randomBytes(16).toString('hex'), name: options.config.cluster.name, createdAt: new Date().toISOString(), topology };
        // The manifest is decided (and durable) before any node is bootstrapped from it, so a crash
        // in between resumes the same cluster instead of inventing a second identity.
        writeManifest(options.dataDir, manifest);
        options.log(`created cluster ${manifest.clusterId} (${topology.nodes.length} nodes) in ${options.dataDir}`);
      } else {
        options.log(`resuming cluster ${manifest.clusterId} from ${options.dataDir}`);
      }
      cluster = new EmbeddedCluster(options, manifest);
      cluster.releaseLock = releaseLock;
      await cluster.startNodes();
      await cluster.ensureBootstrapped();
      return cluster;
    } catch (error) {
      if (cluster !== undefined) await cluster.close();
      else releaseLock();
      throw error;
    }
  }

  get topology(): ClusterTopology {
    return this.manifest.topology;
  }

  private async startNodes(): Promise<void> {
    await Promise.all(this.topology.nodes.map((spec) => this.startNode(spec.id)));
  }

  private startNode(nodeId: string): Promise<void> {
    const settings = this.options.config.settings;
    const bootstrap = { clusterId: this.manifest.clusterId, topology: this.topology };
    const wiring = makeControllerWiring(settings.heartbeatIntervalMs);
    const runtime = new RealNodeRuntime(nodeId, join(this.options.dataDir, nodeId), this.hub, this.options.log);
    const node = new TesseraNode(runtime, { heartbeatIntervalMs: settings.heartbeatIntervalMs, failureDetectionTimeoutMs: settings.failureDetectionTimeoutMs }, wiring);
    this.nodes.set(nodeId, { runtime, node });
    return new Promise<void>((resolve, reject) => {
      node.start(bootstrap, (error) => (error === null ? resolve() : reject(new Error(error))));
    });
  }

  /** The server's client of the data plane (HTTP API, console). */
  get data(): DataClient {
    this.dataClient ??= new DataClient(this.hub, this.topology.nodes.map((n) => n.id));
    return this.dataClient;
  }

  /**
   * Failover drill: the node stops at once as if its process died (cut off the network, timers
   * stopped, nothing more written). Its data directory stays; `restartNode` brings it back.
   */
  async failNode(nodeId: string): Promise<void> {
    const running = this.nodes.get(nodeId);
    if (running === undefined) throw new ControllerError('NotFound', `nodeId: no running node ${nodeId}`);
    this.hub.setIsolated(nodeId, true);
    running.node.stop();
    await running.runtime.shutdown();
    this.nodes.delete(nodeId);
    this.options.log(`drill: node ${nodeId} failed`);
  }

  /** Whether the node's process runs (false after a failover drill stopped it). */
  isRunning(nodeId: string): boolean {
    return this.nodes.has(nodeId);
  }

  /** Restarts a node failed by a drill, from its data directory. */
  async restartNode(nodeId: string): Promise<void> {
    if (this.nodes.has(nodeId)) throw new ControllerError('Conflict', `nodeId: node ${nodeId} is running`);
    if (!this.topology.nodes.some((n) => n.id === nodeId)) throw new ControllerError('NotFound', `nodeId: no node ${nodeId}`);
    this.hub.detach(nodeId);
    this.hub.setIsolated(nodeId, false);
    await this.startNode(nodeId);
    this.options.log(`drill: node ${nodeId} restarted`);
  }

  /** Waits for a controller leader; on a new cluster proposes the bootstrap command once. */
  private async ensureBootstrapped(): Promise<void> {
    const deadline = performance.now() + CONTROLLER_READY_TIMEOUT_MS;
    const config = this.options.config;
    while (performance.now() < deadline) {
      const leader = this.leaderNode();
      if (leader !== undefined) {
        const state = leader.node.controllerState();
        if (state?.clusterId === this.manifest.clusterId) return;
        if (state?.clusterId === null) {
          const result = await this.proposeOn(leader.node, {
            type: 'bootstrap', actor: 'system', timeMs: Date.now(), clusterId: this.manifest.clusterId, name: this.manifest.name,
            topology: this.topology, settings: { ...config.settings },
            containers: Object.entries(config.containers).map(([name, c]) => ({ name, sliceCount: c.slices, seedHex: randomBytes(8).toString('hex') })),
          });
          if (result.ok || result.code === 'AlreadyBootstrapped') continue;
          if (result.code !== 'NotLeader' && result.code !== 'Timeout') throw new ControllerError(result.code, `bootstrap failed: ${result.message}`);
        } else if (state !== undefined) {
          throw new ControllerError('WrongCluster', `the controller belongs to cluster ${state.clusterId}, not ${this.manifest.clusterId}`);
        }
      }
      await new Promise((r) => setTimeout(r, CONTROLLER_POLL_MS));
    }
    throw new ControllerError('NoLeader', `the controller did not elect a leader and bootstrap within ${CONTROLLER_READY_TIMEOUT_MS} ms`);
  }

  private leaderNode(): RunningNode | undefined {
    for (const running of this.nodes.values()) {
      if (running.node.getController()?.isLeader() === true) return running;
    }
    return undefined;
  }

  private proposeOn(node: TesseraNode, command: ControllerCommand): Promise<CommandResult> {
    return new Promise((resolve) => node.propose(command, resolve));
  }

  /** Proposes a command through the controller leader and resolves with its applied result. */
  async propose(command: ControllerCommand): Promise<CommandResult> {
    const leader = this.leaderNode();
    if (leader === undefined) return { ok: false, code: 'NoLeader', message: 'the controller has no leader (quorum lost?)' };
    return this.proposeOn(leader.node, command);
  }

  /** The freshest committed controller state this process holds (the leader's when there is one). */
  controllerState(): ControllerState {
    const leader = this.leaderNode();
    const leaderState = leader?.node.controllerState();
    if (leaderState !== undefined) return leaderState;
    let best: ControllerState | undefined;
    for (const { node } of this.nodes.values()) {
      const state = node.controllerState();
      if (state !== undefined && (best === undefined || state.appliedIndex > best.appliedIndex)) best = state;
    }
    return best ?? emptyControllerState(DEFAULT_SETTINGS);
  }

  raftStatuses(): Array<RaftStatusView & { readonly nodeId: string }> {
    const out: Array<RaftStatusView & { readonly nodeId: string }> = [];
    for (const [nodeId, { node }] of this.nodes) {
      const controller = node.getController();
      if (controller !== undefined) out.push({ ...controller.raftStatus(), appliedIndex: controller.state().appliedIndex, nodeId });
    }
    return out;
  }

  overview(): ClusterOverview {
    const state = this.controllerState();
    const failureDetectionTimeoutMs = state.settings.failureDetectionTimeoutMs;
    const statuses = [...this.nodes.values()].map((n) => n.node.status());
    const roles = new Map<string, { primaries: number; secondaries: number }>();
    let slicesTwoCopies = 0;
    let slicesOneCopy = 0;
    let slicesNoCopy = 0;
    for (const container of Object.values(state.containers)) {
      for (const slice of container.slices) {
        const p = roles.get(slice.primary) ?? { primaries: 0, secondaries: 0 };
        p.primaries++;
        roles.set(slice.primary, p);
        const s = roles.get(slice.secondary) ?? { primaries: 0, secondaries: 0 };
        s.secondaries++;
        roles.set(slice.secondary, s);
        if (slice.inSync.length >= 2) slicesTwoCopies++;
        else if (slice.inSync.length === 1) slicesOneCopy++;
        else slicesNoCopy++;
      }
    }
    const nodes: NodeOverview[] = this.topology.nodes.map((spec) => {
      const own = statuses.find((s) => s.nodeId === spec.id);
      // A node is up when it runs, a peer has heard it within the timeout, and the controller
      // has not declared it down.
      const heardBy = statuses.flatMap((s) => s.peers.filter((p) => p.nodeId === spec.id && p.lastHeardAgoMs !== null));
      const freshestAgoMs = heardBy.length === 0 ? null : Math.min(...heardBy.map((p) => p.lastHeardAgoMs ?? Infinity));
      const running = own?.lifecycle === 'running';
      const declared = state.nodeStates[spec.id];
      const state_: NodeOverview['state'] = own?.lifecycle === 'starting' ? 'starting'
        : running && declared !== 'down' && freshestAgoMs !== null && freshestAgoMs <= failureDetectionTimeoutMs ? 'up' : 'down';
      const bytesByDrive = new Map(own?.drives.map((d) => [d.id, d.bytesWritten]) ?? []);
      return {
        id: spec.id,
        state: state_,
        lastHeartbeatAgoMs: freshestAgoMs === null ? null : Math.round(freshestAgoMs),
        vns: spec.vns.map((vn) => ({ id: vn.id, driveId: vn.driveId, state: state_ === 'up' ? 'up' : 'down', primaries: roles.get(vn.id)?.primaries ?? 0, secondaries: roles.get(vn.id)?.secondaries ?? 0 })),
        drives: spec.drives.map((d) => ({ id: d.id, capacityBytes: d.capacityBytes, bytesWritten: bytesByDrive.get(d.id) ?? 0, state: 'ok' })),
        error: own?.error ?? null,
      };
    });
    const nodesUp = nodes.filter((n) => n.state === 'up').length;
    const reasons: string[] = [];
    const down = nodes.filter((n) => n.state !== 'up').map((n) => n.id);
    if (down.length > 0) reasons.push(`node${down.length > 1 ? 's' : ''} not up: ${down.join(', ')}`);
    if (slicesOneCopy + slicesNoCopy > 0) reasons.push(`${slicesOneCopy} slices with one copy, ${slicesNoCopy} with none`);
    const leader = this.raftStatuses().find((r) => r.role === 'leader');
    let availability: ClusterOverview['availability'] = state.availability;
    if (leader === undefined) {
      availability = 'offline';
      reasons.push('the controller has no leader (no quorum)');
    } else if (state.availability === 'offline') {
      reasons.push(`offline: ${state.offlineReason ?? 'unknown reason'}`);
    }
    return {
      clusterId: this.manifest.clusterId,
      name: this.manifest.name,
      createdAt: this.manifest.createdAt,
      availability,
      redundancy: down.length === 0 && slicesOneCopy + slicesNoCopy === 0 ? 'healthy' : 'degraded',
      reasons,
      nodes,
      counts: {
        nodesUp,
        nodesTotal: nodes.length,
        vns: nodes.reduce((sum, n) => sum + n.vns.length, 0),
        drives: nodes.reduce((sum, n) => sum + n.drives.length, 0),
        containers: Object.keys(state.containers).length,
        slicesTwoCopies, slicesOneCopy, slicesNoCopy,
      },
      controller: { leaderId: leader?.nodeId ?? null, term: leader?.term ?? 0, commitIndex: leader?.commitIndex ?? 0 },
      uptimeMs: Math.round(performance.now() - this.startedAtMs),
    };
  }

  /** Stops every node, flushes and closes the drives, and releases the data directory. */
  async close(): Promise<void> {
    this.dataClient?.close();
    for (const { node } of this.nodes.values()) node.stop();
    await Promise.all([...this.nodes.values()].map(({ runtime }) => runtime.shutdown()));
    this.nodes.clear();
    this.releaseLock?.();
    this.releaseLock = undefined;
  }
}
