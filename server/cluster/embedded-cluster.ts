// The embedded cluster: N data nodes in this process, each with its own directory, runtime,
// engine node and controller replica (Raft), talking through the in-process hub. Owns the data
// directory's lock and manifest, bootstraps the controller on a new cluster, and answers the
// console's questions from the controller's committed state.

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DriveFault } from '../../engine/drives/drive-model';
import type { CommandResult, ControllerCommand } from '../../engine/controller/commands';
import type { RaftStatusView } from '../../engine/controller/raft-port';
import { emptyControllerState, type ControllerState } from '../../engine/controller/state';
import { DEFAULT_SETTINGS } from '../../engine/controller/settings';
import { PLACEMENT_VERSION_CURRENT } from '../../engine/placement/types';
import { controllerVoters, TesseraNode } from '../../engine/node/tessera-node';
import { allDrives, buildNodeSpec, buildTopology, nextNodeIds, TOPOLOGY_LIMITS, type ClusterTopology, type NodeSpec } from '../../engine/topology/topology';
import type { ClusterConfig } from '../config/cluster-config';
import { InProcessHub } from '../runtime/in-process-transport';
import { RealNodeRuntime } from '../runtime/real-runtime';
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

interface RunningNode {
  readonly runtime: RealNodeRuntime;
  readonly node: TesseraNode;
}

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  readonly config: ClusterConfig;
  readonly log: (line: string) => void;
  /** The process's event-loop sampler: the Overview shows its longest recent stall. */
  readonly eventLoop?: EventLoopMonitor | undefined;
}

/** How long start-up waits for the controller to elect a leader and bootstrap. */
export const CONTROLLER_READY_TIMEOUT_MS = 20_000;
const CONTROLLER_POLL_MS = 25;
/** How often the process checks that the nodes it runs match the committed topology. */
export const TOPOLOGY_FOLLOW_MS = 250;
/** Nodes one scale-out may add. */
export const SCALE_OUT_NODES_MAX = 16;
/** An operator command is retried this long while the controller has no leader. */
export const OPERATOR_PROPOSE_TIMEOUT_MS = 10_000;

export interface ScaleOutRequest {
  readonly nodes: number;
  readonly vnsPerNode: number;
  readonly drivesPerNode: number;
  readonly driveCapacityBytes: number;
  readonly actor: string;
}

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
  /** Nodes a drill stopped on purpose: the topology follower leaves them down. */
  private readonly drilled = new Set<string>();
  private followTimer: NodeJS.Timeout | undefined;
  private following = false;
  private closing = false;
  readonly rebuilds = new RebuildTracker();
  private readonly driveMonitor = new DriveMonitor();
  private readonly operationTracker = new OperationTracker();

  private constructor(private readonly options: EmbeddedClusterOptions, private manifestValue: DataDirManifest) {}

  get manifest(): DataDirManifest {
    return this.manifestValue;
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
      await cluster.followTopology();
      cluster.startFollowing();
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

  /** Raft's base configuration: the voters the cluster was created with. */
  private foundingVoters(): readonly string[] {
    return this.manifest.foundingVoters ?? controllerVoters(this.manifest.topology.nodes.map((n) => n.id));
  }

  private async startNodes(): Promise<void> {
    await Promise.all(this.manifest.topology.nodes.map((spec) => this.startNode(spec.id)));
  }

  private startNode(nodeId: string, topology: ClusterTopology = this.manifest.topology): Promise<void> {
    const settings = this.options.config.settings;
    const bootstrap = { clusterId: this.manifest.clusterId, topology, voters: this.foundingVoters() };
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
    this.dataClient ??= new DataClient(this.hub, () => this.topology.nodes.map((n) => n.id).filter((id) => this.nodes.has(id)));
    return this.dataClient;
  }

  private writeManifest(manifest: DataDirManifest): void {
    writeManifest(this.options.dataDir, manifest);
    this.manifestValue = manifest;
  }

  private startFollowing(): void {
    const loop = (): void => {
      void this.followTopology().catch((error: unknown) => this.options.log(`following the topology failed: ${String(error)}`))
        .finally(() => { if (!this.closing) this.followTimer = setTimeout(loop, TOPOLOGY_FOLLOW_MS); });
    };
    this.followTimer = setTimeout(loop, TOPOLOGY_FOLLOW_MS);
  }

  /**
   * Runs exactly the nodes of the committed topology: starts a node a scale-out added (also one
   * whose start was interrupted by a crash), stops a node a decommission removed, and keeps the
   * manifest in step so a restart opens the same nodes. Nodes a drill failed stay down.
   */
  private async followTopology(): Promise<void> {
    if (this.following || this.closing) return;
    this.following = true;
    try {
      const state = this.controllerState();
      this.rebuilds.observe(state, this.overviewCounts(state));
      this.driveMonitor.sample(this.devices());
      this.operationTracker.observe(state, this.copiedBytes());
      if (state.clusterId !== this.manifest.clusterId) return;
      const committed = new Set(state.topology.nodes.map((n) => n.id));
      for (const spec of state.topology.nodes) {
        if (!this.nodes.has(spec.id) && !this.drilled.has(spec.id)) {
          this.options.log(`starting node ${spec.id} (in the committed topology)`);
          await this.startNode(spec.id, state.topology);
        }
      }
      const removed = [...this.nodes.keys()].filter((id) => !committed.has(id) && state.operations.some((op) => op.kind === 'decommission' && op.state === 'done' && op.nodes.includes(id)));
      for (const id of removed) {
        await this.stopNode(id);
        this.options.log(`node ${id} left the cluster (decommissioned); its directory ${join(this.options.dataDir, id)} can be deleted`);
      }
      const manifestIds = this.manifest.topology.nodes.map((n) => n.id).join(',');
      if (manifestIds !== state.topology.nodes.map((n) => n.id).join(',')) {
        const retired = new Set([...(this.manifest.retiredNodeIds ?? []), ...this.manifest.topology.nodes.map((n) => n.id).filter((id) => !committed.has(id))]);
        this.writeManifest({ ...this.manifest, topology: state.topology, foundingVoters: this.foundingVoters(), retiredNodeIds: [...retired].sort() });
      }
    } finally {
      this.following = false;
    }
  }

  private async stopNode(nodeId: string): Promise<void> {
    const running = this.nodes.get(nodeId);
    if (running === undefined) return;
    this.hub.setIsolated(nodeId, true);
    running.node.stop();
    await running.runtime.shutdown();
    this.nodes.delete(nodeId);
  }

  /** Proposes, retrying while the controller has no leader (an election is under way). */
  private async proposeRetrying(command: ControllerCommand): Promise<CommandResult> {
    const deadline = performance.now() + OPERATOR_PROPOSE_TIMEOUT_MS;
    for (;;) {
      const result = await this.propose(command);
      if (result.ok || !['NoLeader', 'NotLeader'].includes(result.code) || performance.now() > deadline) return result;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async proposeOrThrow(command: ControllerCommand): Promise<void> {
    const result = await this.proposeRetrying(command);
    if (!result.ok) throw new ControllerError(result.code, result.message);
  }

  /**
   * Scale-out: new nodes start empty (joining the controller as Raft learners), the controller
   * commits them with a target map, and its leader migrates slices onto them. Returns the
   * operation id; progress is in `operations()`.
   */
  async scaleOut(request: ScaleOutRequest): Promise<{ readonly operationId: string; readonly nodes: readonly string[] }> {
    const L = TOPOLOGY_LIMITS;
    if (!Number.isInteger(request.nodes) || request.nodes < 1 || request.nodes > SCALE_OUT_NODES_MAX) throw new ControllerError('InvalidArgument', `nodes: must be an integer in 1..${SCALE_OUT_NODES_MAX} (found ${request.nodes})`);
    if (!Number.isInteger(request.vnsPerNode) || request.vnsPerNode < L.vnsPerNodeMin || request.vnsPerNode > L.vnsPerNodeMax) throw new ControllerError('InvalidArgument', `vnsPerNode: must be an integer in ${L.vnsPerNodeMin}..${L.vnsPerNodeMax} (found ${request.vnsPerNode})`);
    if (!Number.isInteger(request.drivesPerNode) || request.drivesPerNode < L.drivesPerNodeMin || request.drivesPerNode > L.drivesPerNodeMax) throw new ControllerError('InvalidArgument', `drivesPerNode: must be an integer in ${L.drivesPerNodeMin}..${L.drivesPerNodeMax} (found ${request.drivesPerNode})`);
    const state = this.controllerState();
    const running = state.operations.find((op) => op.state === 'running');
    if (running !== undefined) throw new ControllerError('Conflict', `operation ${running.id} (${running.kind}) is running; wait for it or cancel it first`);
    const used = [...state.topology.nodes.map((n) => n.id), ...this.manifest.topology.nodes.map((n) => n.id), ...(this.manifest.retiredNodeIds ?? [])];
    const specs: NodeSpec[] = nextNodeIds(used, request.nodes).map((id) => buildNodeSpec(id, request));
    const grown: ClusterTopology = { nodes: [...state.topology.nodes, ...specs] };
    // A directory left by a join that never committed (a crash mid-way) is not a member: start clean.
    for (const spec of specs) rmSync(join(this.options.dataDir, spec.id), { recursive: true, force: true });
    await Promise.all(specs.map((spec) => this.startNode(spec.id, grown)));
    const result = await this.proposeRetrying({ type: 'scale-out.start', actor: request.actor, timeMs: Date.now(), nodes: specs });
    if (!result.ok) {
      for (const spec of specs) {
        await this.stopNode(spec.id);
        rmSync(join(this.options.dataDir, spec.id), { recursive: true, force: true });
      }
      throw new ControllerError(result.code, result.message);
    }
    await this.followTopology();
    const operation = this.controllerState().operations.find((op) => op.kind === 'scale-out' && op.nodes.includes(specs[0]?.id ?? ''));
    this.options.log(`scale-out: added ${specs.map((s) => s.id).join(', ')}; operation ${operation?.id ?? '?'}`);
    return { operationId: operation?.id ?? '', nodes: specs.map((s) => s.id) };
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
    const running = this.nodes.get(node.id);
    if (running === undefined) throw new ControllerError('Conflict', `driveId: node ${node.id} of ${driveId} is not running`);
    return running.runtime.device(driveId);
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
    const device = this.device(driveId);
    const state = this.controllerState();
    const vnsOnDrive = new Set(state.topology.nodes.flatMap((n) => n.vns).filter((v) => v.driveId === driveId).map((v) => v.id));
    if (state.drives[driveId]?.state !== 'failed' && Object.values(state.containers).some((c) => c.slices.some((s) => s.inSync.some((vn) => vnsOnDrive.has(vn))))) {
      // A working drive is retired first: its slices fail over before its data is wiped.
      await this.proposeOrThrow({ type: 'drive.fail', actor, timeMs: Date.now(), driveId, reason: 'taken out for replacement' });
    }
    const blocking = Object.values(this.controllerState().containers).reduce((n, c) => n + c.slices.filter((s) => s.inSync.some((vn) => vnsOnDrive.has(vn))).length, 0);
    if (blocking > 0) throw new ControllerError('Conflict', `driveId: ${blocking} slices still count on their copy on ${driveId}; bring their other copy's node back first`);
    await device.replace();
    await this.proposeOrThrow({ type: 'drive.replace', actor, timeMs: Date.now(), driveId, reason: `replaced by ${actor}` });
    this.options.log(`drive ${driveId} replaced`);
  }

  /** Devices of running nodes by drive id (wear counters, faults). */
  devices(): Map<string, DriveDevice> {
    const out = new Map<string, DriveDevice>();
    for (const { runtime } of this.nodes.values()) for (const [id, device] of runtime.devices()) out.set(id, device);
    return out;
  }

  /** Bytes copied by rebuilds and migrations since each node started, summed. */
  copiedBytes(): number {
    let total = 0;
    for (const { node } of this.nodes.values()) total += node.getData()?.copiedBytes() ?? 0;
    return total;
  }

  /** The controller leader's view of the running operation's progress. */
  operationProgress(): ReturnType<TesseraNode['operationProgress']> {
    return this.leaderNode()?.node.operationProgress() ?? null;
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
  previewScaleOut(request: Omit<ScaleOutRequest, 'actor'>): { readonly plannedMoves: number; readonly idealMoves: number; readonly nodes: readonly string[]; readonly problem: string | null } {
    const state = this.controllerState();
    const used = [...state.topology.nodes.map((n) => n.id), ...(this.manifest.retiredNodeIds ?? [])];
    const specs = nextNodeIds(used, Math.max(1, Math.min(SCALE_OUT_NODES_MAX, request.nodes))).map((id) => buildNodeSpec(id, request));
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
    const running = this.nodes.get(nodeId);
    if (running === undefined) throw new ControllerError('NotFound', `nodeId: no running node ${nodeId}`);
    this.drilled.add(nodeId);
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
    this.drilled.delete(nodeId);
    await this.startNode(nodeId, this.topology);
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
            placementVersion: PLACEMENT_VERSION_CURRENT,
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
    const leader = this.raftStatuses().find((r) => r.role === 'leader');
    return buildOverview({
      manifest: this.manifest, state, topology: this.topology,
      statuses: [...this.nodes.values()].map((n) => n.node.status()),
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
    this.closing = true;
    if (this.followTimer !== undefined) clearTimeout(this.followTimer);
    this.dataClient?.close();
    for (const { node } of this.nodes.values()) node.stop();
    await Promise.all([...this.nodes.values()].map(({ runtime }) => runtime.shutdown()));
    this.nodes.clear();
    this.releaseLock?.();
    this.releaseLock = undefined;
  }
}
