// One data node of a Tessera cluster, as engine code: it owns its identity, opens its drives,
// and exchanges heartbeats with its peers. Everything it touches comes from its NodeRuntime, so
// the real server and the simulator run this same class.

import type { DurableStore, Envelope, NodeRuntime, TimerId } from '../runtime/runtime';
import type { Placement } from '../controller/apply';
import type { CommandResult, ControllerCommand } from '../controller/commands';
import { ControllerHost } from '../controller/controller-host';
import { autoOnlineDecision, sliceAvailabilityProblem } from '../controller/auto-online';
import { failureDetectorDecisions } from '../controller/failure-detector';
import type { RaftPort } from '../controller/raft-port';
import type { ControllerState } from '../controller/state';
import { DataService } from '../dataplane/data-service';
import type { DataPlaneCanaries } from '../dataplane/replica-context';
import type { ClusterTopology, NodeSpec } from '../topology/topology';
import { assert } from '../util/assert';
import { CorruptRecordError } from '../codec/json-bytes';
import { loadOrCreateIdentity, type NodeBootstrap, type NodeIdentity } from './identity';
import { OperationRunner } from './operation-runner';
import { PeerLiveness, type LivenessInstant } from './peer-liveness';
import { SelfPauseMonitor, withPauseMonitor } from './self-pause';

export interface NodeTimingSettings {
  readonly heartbeatIntervalMs: number;
  readonly failureDetectionTimeoutMs: number;
}

export const DEFAULT_NODE_TIMING: NodeTimingSettings = { heartbeatIntervalMs: 100, failureDetectionTimeoutMs: 1000 };

/** How a node builds its controller replica: the Raft implementation and the placement. */
export interface ControllerWiring {
  /** Creates this node's Raft replica over its system store: voters, and every other node as a learner. */
  readonly makeRaft: (runtime: NodeRuntime, voters: readonly string[], learners: readonly string[]) => RaftPort;
  readonly placement: Placement;
  readonly tickMs: number;
  /** Test-only safety breakers for the swarm's canaries. */
  readonly canaries?: DataPlaneCanaries | undefined;
  /** How often the data plane scrubs its records (the simulator scrubs often). */
  readonly scrubIntervalMs?: number | undefined;
}

/** Voters of the controller group: 3 nodes, or 5 once the cluster has at least 5. */
export function controllerVoters(nodeIds: readonly string[]): string[] {
  const count = nodeIds.length >= 5 ? 5 : Math.min(3, nodeIds.length);
  return [...nodeIds].slice(0, count);
}

interface HeartbeatMessage {
  readonly kind: 'heartbeat';
  readonly clusterId: string;
}

export type NodeLifecycle = 'starting' | 'running' | 'stopped' | 'failed';

export interface PeerStatus {
  readonly nodeId: string;
  readonly up: boolean;
  readonly lastHeardAgoMs: number | null;
}

export interface DriveStatus {
  readonly id: string;
  readonly capacityBytes: number;
  readonly bytesWritten: number;
}

export interface NodeStatus {
  readonly nodeId: string;
  readonly clusterId: string | null;
  readonly lifecycle: NodeLifecycle;
  readonly error: string | null;
  readonly peers: readonly PeerStatus[];
  readonly drives: readonly DriveStatus[];
  readonly vnIds: readonly string[];
  /** The heartbeat and failure-detection timing this node currently runs with. */
  readonly timing: NodeTimingSettings;
}

export class TesseraNode {
  private lifecycle: NodeLifecycle = 'starting';
  private error: string | null = null;
  private identity: NodeIdentity | undefined;
  private liveness: PeerLiveness | undefined;
  private readonly drives = new Map<string, DurableStore>();
  private heartbeatTimer: TimerId | undefined;
  private controller: ControllerHost | undefined;
  private data: DataService | undefined;
  /** When this node became leader, on its responsive clock (self-pause.ts). */
  private leaderSinceResponsiveMs: number | undefined;
  private readonly detectorInFlight = new Set<string>();
  private followedTopology: ClusterTopology | undefined;
  private readonly operations: OperationRunner;
  /** When this leader first saw the cluster offline, and when it last tried to bring it online. */
  private offlineSeenAtMs: number | undefined;
  private autoOnlineAttemptAtMs: number | undefined;
  /** This node's own pauses: every timer of the node reports its lateness here first. */
  private readonly pauses = new SelfPauseMonitor();
  private readonly runtime: NodeRuntime;

  constructor(
    runtime: NodeRuntime,
    private timing: NodeTimingSettings = DEFAULT_NODE_TIMING,
    private readonly wiring?: ControllerWiring,
  ) {
    this.runtime = withPauseMonitor(runtime, this.pauses);
    this.operations = new OperationRunner(runtime.nodeId, () => runtime.wallClock.epochMs());
  }

  /** Loads (or bootstraps) the identity and starts heartbeating; calls back when running or failed. */
  start(bootstrap: NodeBootstrap | undefined, done: (error: string | null) => void): void {
    assert(this.lifecycle === 'starting', `node ${this.runtime.nodeId} started twice`);
    loadOrCreateIdentity(this.runtime.systemStore, this.runtime.nodeId, bootstrap, (result) => {
      if (!result.ok) {
        this.lifecycle = 'failed';
        this.error = result.error;
        this.runtime.log.error(result.error);
        done(result.error);
        return;
      }
      this.identity = result.identity;
      let raft: RaftPort | undefined;
      if (this.wiring !== undefined) {
        const nodeIds = result.identity.topology.nodes.map((n) => n.id);
        const voters = result.identity.voters ?? controllerVoters(nodeIds);
        // Every data node needs the slice maps: nodes that do not vote follow the log as learners.
        const learners = nodeIds.filter((id) => !voters.includes(id));
        try {
          raft = this.wiring.makeRaft(this.runtime, voters, learners);
        } catch (error) {
          if (!(error instanceof CorruptRecordError)) throw error;
          // Unreadable Raft state: starting fresh could vote twice in a term. Fail-stop, loudly;
          // the operator must replace the disk (the node then rejoins from its peers).
          const reason = `node ${this.runtime.nodeId}: controller state unreadable, refusing to start (${error.message})`;
          this.lifecycle = 'failed';
          this.error = reason;
          this.runtime.log.error(reason);
          done(reason);
          return;
        }
      }
      const self = this.ownSpec();
      for (const drive of self.drives) this.drives.set(drive.id, this.runtime.driveStore(drive.id));
      const peers = result.identity.topology.nodes.map((n) => n.id).filter((id) => id !== this.runtime.nodeId);
      this.liveness = new PeerLiveness(peers);
      this.runtime.transport.onReceive((envelope) => this.receive(envelope));
      if (this.wiring !== undefined && raft !== undefined) {
        this.controller = new ControllerHost(this.runtime, raft, this.wiring.placement, this.wiring.tickMs, undefined,
          { promoteOutOfSync: this.wiring.canaries?.promoteOutOfSync === true });
        this.controller.start();
        const controller = this.controller;
        this.data = new DataService(this.runtime, {
          topology: result.identity.topology,
          drives: this.drives,
          state: () => controller.state(),
          raftStatus: () => controller.raftStatus(),
          proposeLocal: (command, proposed) => controller.propose(command, proposed),
          mayGrantLease: (nodeId) => {
            const nodeState = controller.state().nodeStates[nodeId];
            return (nodeState === 'up' || nodeState === 'draining') && !this.detectorInFlight.has(`node.down:${nodeId}`);
          },
          fatal: (reason) => this.fail(reason),
          responsiveMs: () => this.instant().responsiveMs,
          canaries: this.wiring.canaries,
          scrubIntervalMs: this.wiring.scrubIntervalMs,
        });
        controller.onApplied((state) => {
          this.followTopology(state);
          this.data?.followMaps(state);
        });
        this.data.start();
      }
      this.lifecycle = 'running';
      this.runtime.log.info(`${result.created ? 'bootstrapped' : 'resumed'} as ${this.runtime.nodeId} of cluster ${result.identity.clusterId}`);
      this.sendHeartbeats();
      done(null);
    });
  }

  /** Peers, heartbeats and Raft learners follow the committed topology (scale-out, decommission). */
  private followTopology(state: ControllerState): void {
    if (state.clusterId === null || state.topology === this.followedTopology) return;
    this.followedTopology = state.topology;
    const nodeIds = state.topology.nodes.map((n) => n.id);
    this.liveness?.setPeers(nodeIds.filter((id) => id !== this.runtime.nodeId), this.instant());
    this.controller?.followTopology(nodeIds);
  }

  /** Nodes to heartbeat: the committed topology once there is one, else the identity's. */
  private peerIds(): string[] {
    const topology = this.followedTopology ?? this.identity?.topology;
    return (topology?.nodes ?? []).map((n) => n.id).filter((id) => id !== this.runtime.nodeId);
  }

  /** The leader's view of the running operation's progress (null elsewhere). */
  operationProgress(): OperationRunner['progress'] {
    return this.controller?.isLeader() === true ? this.operations.progress : null;
  }

  /** A durable write failed: the disk can no longer be trusted, so the node stops (fail-stop). */
  private fail(reason: string): void {
    if (this.lifecycle !== 'running') return;
    this.runtime.log.error(`node ${this.runtime.nodeId} stopping: ${reason}`);
    this.stop();
    this.lifecycle = 'failed';
    this.error = reason;
  }

  /** This node's data plane (undefined when the node runs without a controller). */
  getData(): DataService | undefined {
    return this.data;
  }

  stop(): void {
    this.data?.stop();
    this.controller?.stop();
    if (this.heartbeatTimer !== undefined) this.runtime.timers.cancel(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.lifecycle = 'stopped';
  }

  setTiming(timing: NodeTimingSettings): void {
    this.timing = timing;
  }

  getIdentity(): NodeIdentity | undefined {
    return this.identity;
  }

  /** This node's replica of the controller (undefined when the node runs without one). */
  getController(): ControllerHost | undefined {
    return this.controller;
  }

  controllerState(): ControllerState | undefined {
    return this.controller?.state();
  }

  propose(command: ControllerCommand, done: (result: CommandResult) => void): void {
    if (this.controller === undefined) {
      done({ ok: false, code: 'NoController', message: `node ${this.runtime.nodeId} has no controller replica` });
      return;
    }
    this.controller.propose(command, done);
  }

  /** Now on both clocks: monotonic, and responsive (monotonic minus this node's own pauses). */
  private instant(): LivenessInstant {
    const nowMs = this.runtime.clock.nowMs();
    return { nowMs, responsiveMs: this.pauses.responsiveMs(nowMs) };
  }

  status(): NodeStatus {
    const at = this.instant();
    const nowMs = at.nowMs;
    const liveness = this.liveness;
    const self = this.identity === undefined ? undefined : this.ownSpec();
    return {
      nodeId: this.runtime.nodeId,
      clusterId: this.identity?.clusterId ?? null,
      lifecycle: this.lifecycle,
      error: this.error,
      peers: liveness === undefined ? [] : liveness.views().map((view) => ({
        nodeId: view.nodeId,
        up: liveness.isUp(view.nodeId, at, this.timing.failureDetectionTimeoutMs),
        lastHeardAgoMs: view.lastHeardAtMs === undefined ? null : Math.max(0, nowMs - view.lastHeardAtMs),
      })),
      drives: self === undefined ? [] : self.drives.map((d) => ({ id: d.id, capacityBytes: d.capacityBytes, bytesWritten: this.drives.get(d.id)?.bytesWritten() ?? 0 })),
      vnIds: self === undefined ? [] : self.vns.map((v) => v.id),
      timing: this.timing,
    };
  }

  private autoOnline(controller: ControllerHost, state: ControllerState, nowMs: number): void {
    if (state.availability !== 'offline') {
      this.offlineSeenAtMs = undefined;
      this.autoOnlineAttemptAtMs = undefined;
      return;
    }
    this.offlineSeenAtMs ??= nowMs;
    const key = 'auto-online';
    if (this.detectorInFlight.has(key)) return;
    const decision = autoOnlineDecision(state, nowMs - this.offlineSeenAtMs,
      this.autoOnlineAttemptAtMs === undefined ? null : nowMs - this.autoOnlineAttemptAtMs, this.runtime.wallClock.epochMs());
    if (decision === null) return;
    this.autoOnlineAttemptAtMs = nowMs;
    this.detectorInFlight.add(key);
    controller.propose(decision, () => this.detectorInFlight.delete(key));
  }

  /**
   * A slice with no available in-sync copy cannot serve: the cluster goes offline (docs/DESIGN.md §8)
   * and auto-online brings it back once every slice has a copy again.
   */
  private autoOffline(controller: ControllerHost, state: ControllerState): void {
    const key = 'auto-offline';
    if (state.availability !== 'online' || this.detectorInFlight.has(key)) return;
    const problem = sliceAvailabilityProblem(state);
    if (problem === null) return;
    this.detectorInFlight.add(key);
    controller.propose({ type: 'cluster.offline', reason: problem, actor: 'system', timeMs: this.runtime.wallClock.epochMs() }, () => this.detectorInFlight.delete(key));
  }

  private ownSpec(): NodeSpec {
    const spec = this.identity?.topology.nodes.find((n) => n.id === this.runtime.nodeId);
    assert(spec !== undefined, `node ${this.runtime.nodeId} missing from its own topology`);
    return spec;
  }

  private sendHeartbeats(): void {
    if (this.lifecycle !== 'running' || this.identity === undefined) return;
    const controllerFailure = this.controller?.failure ?? null;
    if (controllerFailure !== null) {
      // Without its controller replica the node would follow stale maps: stop it whole.
      this.fail(controllerFailure);
      return;
    }
    const message: HeartbeatMessage = { kind: 'heartbeat', clusterId: this.identity.clusterId };
    for (const nodeId of this.peerIds()) this.runtime.transport.send(nodeId, message);
    this.heartbeatTimer = this.runtime.timers.schedule(this.timing.heartbeatIntervalMs, () => this.sendHeartbeats());
    this.data?.requestLease();
    this.leaderDuties();
  }

  /**
   * Runs with each heartbeat: every node adopts the committed timing settings; the controller
   * leader turns silence into node.down and back, and runs auto-online.
   */
  private leaderDuties(): void {
    const controller = this.controller;
    const liveness = this.liveness;
    if (controller === undefined || liveness === undefined) return;
    const at = this.instant();
    const nowMs = at.nowMs;
    // Also catches a topology installed from a controller snapshot (which raises no applied event).
    this.followTopology(controller.state());
    // Every node follows the committed timing settings, not only the leader.
    const settings = controller.state().settings;
    if (controller.state().clusterId !== null && (settings.heartbeatIntervalMs !== this.timing.heartbeatIntervalMs || settings.failureDetectionTimeoutMs !== this.timing.failureDetectionTimeoutMs)) {
      this.timing = { heartbeatIntervalMs: settings.heartbeatIntervalMs, failureDetectionTimeoutMs: settings.failureDetectionTimeoutMs };
    }
    if (!controller.isLeader()) {
      this.leaderSinceResponsiveMs = undefined;
      this.offlineSeenAtMs = undefined;
      this.autoOnlineAttemptAtMs = undefined;
      return;
    }
    this.leaderSinceResponsiveMs ??= at.responsiveMs;
    const state = controller.state();
    if (state.clusterId === null) return;
    // Silence and leadership count only the time this node was running (failure-detector.ts).
    const ownPause = this.pauses.lastPause(this.timing.heartbeatIntervalMs);
    const decisions = failureDetectorDecisions(state, this.runtime.nodeId, {
      leaderForMs: at.responsiveMs - this.leaderSinceResponsiveMs,
      sinceOwnPauseMs: ownPause === undefined ? null : nowMs - ownPause.toMs,
      heartbeatIntervalMs: this.timing.heartbeatIntervalMs,
    }, { silentForMs: (nodeId) => liveness.silentForMs(nodeId, at) }, this.runtime.wallClock.epochMs());
    this.autoOffline(controller, state);
    this.autoOnline(controller, state, nowMs);
    const timeoutMs = this.timing.failureDetectionTimeoutMs;
    this.operations.run(controller, state, nowMs, (nodeId) => nodeId === this.runtime.nodeId || liveness.isUp(nodeId, at, timeoutMs));
    for (const decision of decisions) {
      const key = `${decision.type}:${decision.nodeId}`;
      if (this.detectorInFlight.has(key)) continue;
      this.detectorInFlight.add(key);
      controller.propose(decision, () => this.detectorInFlight.delete(key));
    }
  }

  private receive(envelope: Envelope): void {
    if (this.lifecycle !== 'running') return;
    if (this.controller?.receive(envelope) === true) return;
    if (this.data?.receive(envelope) === true) return;
    const message = envelope.message as Partial<HeartbeatMessage> | null;
    if (message?.kind === 'heartbeat' && message.clusterId === this.identity?.clusterId) {
      this.liveness?.heard(envelope.from, this.instant());
    }
  }
}
