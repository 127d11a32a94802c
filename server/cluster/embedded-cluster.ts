// The embedded cluster: N data nodes in this process, each with its own directory, runtime,
// engine node and controller replica (Raft), talking through the in-process hub. Owns the data
// directory's lock and manifest, bootstraps the controller on a new cluster, and answers the
// console's questions from the controller's committed state.

import { randomBytes } from 'node:crypto';
import type { DriveFault } from '../../engine/drives/drive-model';
import type { Transport } from '../../engine/runtime/runtime';
import type { CommandResult, ControllerCommand } from '../../engine/controller/commands';
import type { RaftStatusView } from '../../engine/controller/raft-port';
import { emptyControllerState, type ControllerState } from '../../engine/controller/state';
import { DEFAULT_SETTINGS } from '../../engine/controller/settings';
import { PLACEMENT_VERSION_CURRENT } from '../../engine/placement/types';
import { CONTROLLER_READY_TIMEOUT_MS } from '../../engine/cluster/bootstrap';
import { ClusterOrchestrator, type ScaleOutResult } from '../../engine/cluster/cluster-orchestrator';
import { OPERATOR_PROPOSE_TIMEOUT_MS } from '../../engine/cluster/propose-with-retry';
import { SCALE_OUT_NODES_MAX, scaleOutSpecs, type ScaleOutShape } from '../../engine/cluster/scale-out';
import { controllerVoters, type TesseraNode } from '../../engine/node/tessera-node';
import { allDrives, buildTopology, type ClusterTopology } from '../../engine/topology/topology';
import type { ClusterConfig } from '../config/cluster-config';
import { InProcessHub } from '../runtime/in-process-transport';
import { DataClient } from './data-client';
import { ensureWritableDataDir, lockDataDir, readManifest, writeManifest, type DataDirManifest } from './data-dir';
import type { DriveDevice } from '../runtime/drive-device';
import { buildOverview, type ClusterOverview } from './overview';
import type { EventLoopMonitor } from '../runtime/event-loop-monitor';
import { RebuildTracker } from './rebuild-tracker';
import { clusterMttdl, DriveMonitor, type DriveView, type MttdlView } from './drive-health';
import { OperationTracker, type OperationView } from './operation-tracker';
import { applyCommand } from '../../engine/controller/apply';
import { makeControllerWiring } from './wiring';
import { NodeHost } from './node-host';

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  readonly config: ClusterConfig;
  readonly log: (line: string) => void;
  /** The process's event-loop sampler: the Overview shows its longest recent stall. */
  readonly eventLoop?: EventLoopMonitor | undefined;
}

export { CONTROLLER_READY_TIMEOUT_MS } from '../../engine/cluster/bootstrap';
export { OPERATOR_PROPOSE_TIMEOUT_MS } from '../../engine/cluster/propose-with-retry';
export { SCALE_OUT_NODES_MAX } from '../../engine/cluster/scale-out';
export { TOPOLOGY_FOLLOW_MS } from '../../engine/cluster/topology-follower';

export interface ScaleOutRequest extends ScaleOutShape {
  readonly actor: string;
}

export class ControllerError extends Error {
  override readonly name = 'ControllerError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class EmbeddedCluster {
  private readonly hub = new InProcessHub();
  private readonly startedAtMs = performance.now();
  private readonly host: NodeHost;
  /** Which nodes run, bootstrap, proposals, topology following: shared with the simulator. */
  private readonly orchestrator: ClusterOrchestrator;
  private releaseLock: (() => void) | undefined;
  private dataClient: DataClient | undefined;
  readonly rebuilds = new RebuildTracker();
  private readonly driveMonitor = new DriveMonitor();
  private readonly operationTracker = new OperationTracker();

  private constructor(private readonly options: EmbeddedClusterOptions, manifest: DataDirManifest) {
    this.host = new NodeHost(options.dataDir, this.hub, options.config.settings, options.log, manifest);
    const foundingVoters = manifest.foundingVoters ?? controllerVoters(manifest.topology.nodes.map((n) => n.id));
    this.orchestrator = new ClusterOrchestrator(this.host, { clusterId: manifest.clusterId, topology: manifest.topology, foundingVoters, retiredNodeIds: manifest.retiredNodeIds ?? [] });
  }

  get manifest(): DataDirManifest {
    return this.host.manifest;
  }

  /** The data directory (drill history lives under it). */
  get dataDir(): string {
    return this.options.dataDir;
  }

  log(line: string): void {
    this.options.log(line);
  }

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
      cluster.observe();
      await cluster.followTopology();
      cluster.orchestrator.startFollowing(() => cluster?.observe());
      return cluster;
    } catch (error) {
      if (cluster !== undefined) await cluster.close();
      else releaseLock();
      throw error;
    }
  }

  /** The committed topology once the controller has one, else the manifest's. */
  get topology(): ClusterTopology {
    const state = this.controllerState();
    return state.clusterId === this.manifest.clusterId ? state.topology : this.manifest.topology;
  }

  private startNodes(): Promise<void> {
    const topology = this.manifest.topology;
    return Promise.all(topology.nodes.map((spec) => new Promise<void>((resolve, reject) => {
      this.orchestrator.startNode(spec.id, topology, (error) => (error === null ? resolve() : reject(new Error(error))));
    }))).then(() => undefined);
  }

  /** The server's client of the data plane (HTTP API, console). */
  get data(): DataClient {
    this.dataClient ??= new DataClient(this.hub, () => this.topology.nodes.map((n) => n.id).filter((id) => this.orchestrator.isRunning(id)));
    return this.dataClient;
  }

  /** Samples the trackers (re-protection windows, drive wear, operation progress). */
  private observe(): void {
    const state = this.controllerState();
    this.rebuilds.observe(state, this.overviewCounts(state));
    this.driveMonitor.sample(this.devices());
    this.operationTracker.observe(state, this.copiedBytes());
  }

  /** One round of following the committed topology (engine/cluster/topology-follower.ts). */
  private followTopology(): Promise<void> {
    return new Promise((resolve) => this.orchestrator.followTopology(resolve));
  }

  private async proposeOrThrow(command: ControllerCommand): Promise<void> {
    const result = await new Promise<CommandResult>((resolve) => this.orchestrator.proposeWithRetry(command, {}, resolve));
    if (!result.ok) throw new ControllerError(result.code, result.message);
  }

  /**
   * Scale-out: new nodes start empty (joining the controller as Raft learners), the controller
   * commits them with a target map, and its leader migrates slices onto them. Returns the
   * operation id; progress is in `operations()`.
   */
  async scaleOut(request: ScaleOutRequest): Promise<{ readonly operationId: string; readonly nodes: readonly string[] }> {
    const result = await new Promise<ScaleOutResult>((resolve) => this.orchestrator.scaleOut(request, request.actor, resolve));
    if (!result.ok) throw new ControllerError(result.code, result.message);
    return { operationId: result.operationId, nodes: result.nodes };
  }

  async decommission(nodeId: string, actor: string): Promise<{ readonly operationId: string }> {
    await this.proposeOrThrow({ type: 'decommission.start', actor, timeMs: Date.now(), nodeId });
    const operation = this.controllerState().operations.find((op) => op.kind === 'decommission' && op.nodes.includes(nodeId) && op.state !== 'cancelled');
    return { operationId: operation?.id ?? '' };
  }

  async rebalance(actor: string, reason: string): Promise<void> {
    await this.proposeOrThrow({ type: 'rebalance.start', actor, timeMs: Date.now(), reason });
  }

  async cancelOperation(operationId: string, actor: string, reason: string): Promise<void> {
    await this.proposeOrThrow({ type: 'operation.cancel', actor, timeMs: Date.now(), operationId, reason });
  }

  /** The device of a drive of a running node. */
  private device(driveId: string): DriveDevice {
    const node = this.topology.nodes.find((n) => n.drives.some((d) => d.id === driveId));
    if (node === undefined) throw new ControllerError('NotFound', `driveId: no drive ${driveId}`);
    const runtime = this.host.runtime(node.id);
    if (runtime === undefined || !this.orchestrator.isRunning(node.id)) throw new ControllerError('Conflict', `driveId: node ${node.id} of ${driveId} is not running`);
    return runtime.device(driveId);
  }

  /**
   * Drive drills. fail: the device dies; its node notices, stops serving its VNs and reports it,
   * and the controller fails their slices over (resolves once that is committed). slow / errors:
   * extra latency or damaged reads (checksums catch them, the other copy repairs); clear ends those.
   */
  async injectDriveFault(driveId: string, fault: DriveFault | null): Promise<void> {
    const device = this.device(driveId);
    if (device.failed() && fault?.mode !== 'failed') throw new ControllerError('Conflict', `driveId: ${driveId} has failed; replace it`);
    device.setFault(fault);
    this.options.log(`drill: drive ${driveId} ${fault === null ? 'fault cleared' : fault.mode}`);
    if (fault?.mode !== 'failed') return;
    const deadline = performance.now() + OPERATOR_PROPOSE_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (this.controllerState().drives[driveId]?.state === 'failed') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new ControllerError('Timeout', `drive ${driveId} failed, but the controller has not committed it within ${OPERATOR_PROPOSE_TIMEOUT_MS} ms`);
  }

  /** Swaps in a new, empty drive; the controller then rebalances roles onto its VNs. */
  async replaceDrive(driveId: string, actor: string): Promise<void> {
    const result = await new Promise<CommandResult>((resolve) => this.orchestrator.replaceDrive(driveId, actor, resolve));
    if (!result.ok) throw new ControllerError(result.code, result.message);
  }

  /** Devices of running nodes by drive id (wear counters, faults). */
  devices(): Map<string, DriveDevice> {
    return this.host.devices();
  }

  /** Bytes copied by rebuilds and migrations since each node started, summed. */
  copiedBytes(): number {
    let total = 0;
    for (const node of this.orchestrator.nodes().values()) total += node.getData()?.copiedBytes() ?? 0;
    return total;
  }

  /** The controller leader's view of the running operation's progress. */
  operationProgress(): ReturnType<TesseraNode['operationProgress']> {
    return this.orchestrator.leader()?.operationProgress() ?? null;
  }

  driveViews(): DriveView[] {
    return this.driveMonitor.views(this.controllerState(), this.devices());
  }

  mttdl(): MttdlView | null {
    return clusterMttdl(this.controllerState(), this.rebuilds.measuredRebuildMs());
  }

  operationViews(): OperationView[] {
    const progress = this.operationProgress();
    return this.operationTracker.views(this.controllerState(), this.copiedBytes(), progress);
  }

  /** What a scale-out would do, computed by the same apply the controller runs, without proposing it. */
  previewScaleOut(request: ScaleOutShape): { readonly plannedMoves: number; readonly idealMoves: number; readonly nodes: readonly string[]; readonly problem: string | null } {
    const state = this.controllerState();
    const specs = scaleOutSpecs(state.topology, this.orchestrator.membership, [], { ...request, nodes: Math.max(1, Math.min(SCALE_OUT_NODES_MAX, request.nodes)) });
    const outcome = applyCommand(state, { type: 'scale-out.start', actor: 'preview', timeMs: Date.now(), nodes: specs }, state.appliedIndex + 1, makeControllerWiring(state.settings.heartbeatIntervalMs).placement);
    const op = outcome.state.operations[outcome.state.operations.length - 1];
    if (!outcome.result.ok || op === undefined) return { plannedMoves: 0, idealMoves: 0, nodes: specs.map((s) => s.id), problem: outcome.result.ok ? 'no plan' : outcome.result.message };
    return { plannedMoves: op.plannedMoves, idealMoves: op.idealMoves, nodes: specs.map((s) => s.id), problem: null };
  }

  /** Every drive of the committed topology, for views. */
  allDriveIds(): string[] {
    return allDrives(this.topology).map((d) => d.id);
  }

  /**
   * Failover drill: the node stops at once as if its process died (cut off the network, timers
   * stopped, nothing more written). Its data directory stays; `restartNode` brings it back.
   */
  async failNode(nodeId: string): Promise<void> {
    if (!this.orchestrator.isRunning(nodeId)) throw new ControllerError('NotFound', `nodeId: no running node ${nodeId}`);
    await new Promise<void>((resolve) => this.orchestrator.stopNode(nodeId, true, resolve));
    this.options.log(`drill: node ${nodeId} failed`);
  }

  /** Whether the node's process runs (false after a failover drill stopped it). */
  isRunning(nodeId: string): boolean {
    return this.orchestrator.isRunning(nodeId);
  }

  /** Restarts a node failed by a drill, from its data directory. */
  async restartNode(nodeId: string): Promise<void> {
    if (this.orchestrator.isRunning(nodeId)) throw new ControllerError('Conflict', `nodeId: node ${nodeId} is running`);
    if (!this.topology.nodes.some((n) => n.id === nodeId)) throw new ControllerError('NotFound', `nodeId: no node ${nodeId}`);
    const topology = this.topology;
    await new Promise<void>((resolve, reject) => this.orchestrator.startNode(nodeId, topology, (error) => (error === null ? resolve() : reject(new Error(error)))));
    this.options.log(`drill: node ${nodeId} restarted`);
  }

  /** Partition drill: the node's transport is cut off from every other endpoint (true), or let back. */
  isolateNode(nodeId: string, isolated: boolean): void {
    if (!this.orchestrator.isRunning(nodeId)) throw new ControllerError('NotFound', `nodeId: no running node ${nodeId}`);
    this.hub.setIsolated(nodeId, isolated);
    this.options.log(`drill: node ${nodeId} ${isolated ? 'isolated' : 'rejoined'}`);
  }

  /** Pause drill: the node's timers stall and its transport is cut (true), then it runs on, late. */
  pauseNode(nodeId: string, paused: boolean): void {
    const runtime = this.host.runtime(nodeId);
    if (runtime === undefined || !this.orchestrator.isRunning(nodeId)) throw new ControllerError('NotFound', `nodeId: no running node ${nodeId}`);
    this.hub.setIsolated(nodeId, paused);
    runtime.setPaused(paused);
    this.options.log(`drill: node ${nodeId} ${paused ? 'paused' : 'resumed'}`);
  }

  /** A hub endpoint for a client of the data plane (drill workloads); `detachClient` when done. */
  clientTransport(clientId: string): Transport {
    return this.hub.endpoint(clientId);
  }

  detachClient(clientId: string): void {
    this.hub.detach(clientId);
  }

  /** Nodes whose processes run now (clients ask them for slice maps). */
  runningNodeIds(): string[] {
    return this.topology.nodes.map((n) => n.id).filter((id) => this.orchestrator.isRunning(id));
  }

  /** The node whose controller replica leads, if one does. */
  leaderNodeId(): string | undefined {
    for (const [id, node] of this.orchestrator.nodes()) if (node.getController()?.isLeader() === true) return id;
    return undefined;
  }

  /** Waits for a controller leader; on a new cluster proposes the bootstrap command until it applies. */
  private async ensureBootstrapped(): Promise<void> {
    const config = this.options.config;
    const manifest = this.manifest;
    const result = await new Promise<CommandResult>((resolve) => this.orchestrator.bootstrap(() => ({
      type: 'bootstrap', actor: 'system', timeMs: Date.now(), clusterId: manifest.clusterId, name: manifest.name,
      topology: this.topology, settings: { ...config.settings },
      containers: Object.entries(config.containers).map(([name, c]) => ({ name, sliceCount: c.slices, seedHex: randomBytes(8).toString('hex') })),
      placementVersion: PLACEMENT_VERSION_CURRENT,
    }), CONTROLLER_READY_TIMEOUT_MS, resolve));
    if (!result.ok) throw new ControllerError(result.code, result.message);
  }

  /** Proposes a command through the controller leader and resolves with its applied result. */
  propose(command: ControllerCommand): Promise<CommandResult> {
    return new Promise((resolve) => this.orchestrator.propose(command, resolve));
  }

  /** The freshest committed controller state this process holds (the leader's when there is one). */
  controllerState(): ControllerState {
    return this.orchestrator.freshestState() ?? emptyControllerState(DEFAULT_SETTINGS);
  }

  raftStatuses(): Array<RaftStatusView & { readonly nodeId: string }> {
    const out: Array<RaftStatusView & { readonly nodeId: string }> = [];
    for (const [nodeId, node] of this.orchestrator.nodes()) {
      const controller = node.getController();
      if (controller !== undefined) out.push({ ...controller.raftStatus(), appliedIndex: controller.state().appliedIndex, nodeId });
    }
    return out;
  }

  overview(): ClusterOverview {
    const state = this.controllerState();
    const leader = this.raftStatuses().find((r) => r.role === 'leader');
    return buildOverview({
      manifest: this.manifest, state, topology: this.topology,
      statuses: [...this.orchestrator.nodes().values()].map((n) => n.status()),
      leader: leader === undefined ? undefined : { nodeId: leader.nodeId, term: leader.term, commitIndex: leader.commitIndex },
      uptimeMs: Math.round(performance.now() - this.startedAtMs),
      longestStallMs: this.options.eventLoop?.longestRecentStallMs() ?? null,
    });
  }

  private overviewCounts(state: ControllerState): { readonly slicesOneCopy: number; readonly slicesNoCopy: number } {
    let slicesOneCopy = 0;
    let slicesNoCopy = 0;
    for (const container of Object.values(state.containers)) {
      for (const slice of container.slices) {
        if (slice.inSync.length === 1) slicesOneCopy++;
        else if (slice.inSync.length === 0) slicesNoCopy++;
      }
    }
    return { slicesOneCopy, slicesNoCopy };
  }

  /** Stops every node, flushes and closes the drives, and releases the data directory. */
  async close(): Promise<void> {
    this.dataClient?.close();
    await new Promise<void>((resolve) => this.orchestrator.close(resolve));
    this.host.close();
    this.releaseLock?.();
    this.releaseLock = undefined;
  }
}
