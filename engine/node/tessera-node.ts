// One data node of a Tessera cluster, as engine code: it owns its identity, opens its drives,
// and exchanges heartbeats with its peers. Everything it touches comes from its NodeRuntime, so
// the real server and the simulator run this same class.

import type { DurableStore, Envelope, NodeRuntime, TimerId } from '../runtime/runtime';
import type { ClusterTopology, NodeSpec } from '../topology/topology';
import { assert } from '../util/assert';
import { loadOrCreateIdentity, type NodeIdentity } from './identity';
import { PeerLiveness } from './peer-liveness';

export interface NodeTimingSettings {
  readonly heartbeatIntervalMs: number;
  readonly failureDetectionTimeoutMs: number;
}

export const DEFAULT_NODE_TIMING: NodeTimingSettings = { heartbeatIntervalMs: 100, failureDetectionTimeoutMs: 1000 };

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
}

export class TesseraNode {
  private lifecycle: NodeLifecycle = 'starting';
  private error: string | null = null;
  private identity: NodeIdentity | undefined;
  private liveness: PeerLiveness | undefined;
  private readonly drives = new Map<string, DurableStore>();
  private heartbeatTimer: TimerId | undefined;

  constructor(
    private readonly runtime: NodeRuntime,
    private timing: NodeTimingSettings = DEFAULT_NODE_TIMING,
  ) {}

  /** Loads (or bootstraps) the identity and starts heartbeating; calls back when running or failed. */
  start(bootstrap: { readonly clusterId: string; readonly topology: ClusterTopology } | undefined, done: (error: string | null) => void): void {
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
      const self = this.ownSpec();
      for (const drive of self.drives) this.drives.set(drive.id, this.runtime.driveStore(drive.id));
      const peers = result.identity.topology.nodes.map((n) => n.id).filter((id) => id !== this.runtime.nodeId);
      this.liveness = new PeerLiveness(peers);
      this.runtime.transport.onReceive((envelope) => this.receive(envelope));
      this.lifecycle = 'running';
      this.runtime.log.info(`${result.created ? 'bootstrapped' : 'resumed'} as ${this.runtime.nodeId} of cluster ${result.identity.clusterId}`);
      this.sendHeartbeats();
      done(null);
    });
  }

  stop(): void {
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

  status(): NodeStatus {
    const nowMs = this.runtime.clock.nowMs();
    const liveness = this.liveness;
    const self = this.identity === undefined ? undefined : this.ownSpec();
    return {
      nodeId: this.runtime.nodeId,
      clusterId: this.identity?.clusterId ?? null,
      lifecycle: this.lifecycle,
      error: this.error,
      peers: liveness === undefined ? [] : liveness.views().map((view) => ({
        nodeId: view.nodeId,
        up: liveness.isUp(view.nodeId, nowMs, this.timing.failureDetectionTimeoutMs),
        lastHeardAgoMs: view.lastHeardAtMs === undefined ? null : Math.max(0, nowMs - view.lastHeardAtMs),
      })),
      drives: self === undefined ? [] : self.drives.map((d) => ({ id: d.id, capacityBytes: d.capacityBytes, bytesWritten: this.drives.get(d.id)?.bytesWritten() ?? 0 })),
      vnIds: self === undefined ? [] : self.vns.map((v) => v.id),
    };
  }

  private ownSpec(): NodeSpec {
    const spec = this.identity?.topology.nodes.find((n) => n.id === this.runtime.nodeId);
    assert(spec !== undefined, `node ${this.runtime.nodeId} missing from its own topology`);
    return spec;
  }

  private sendHeartbeats(): void {
    if (this.lifecycle !== 'running' || this.identity === undefined) return;
    const message: HeartbeatMessage = { kind: 'heartbeat', clusterId: this.identity.clusterId };
    for (const node of this.identity.topology.nodes) {
      if (node.id !== this.runtime.nodeId) this.runtime.transport.send(node.id, message);
    }
    this.heartbeatTimer = this.runtime.timers.schedule(this.timing.heartbeatIntervalMs, () => this.sendHeartbeats());
  }

  private receive(envelope: Envelope): void {
    const message = envelope.message as Partial<HeartbeatMessage> | null;
    if (message?.kind === 'heartbeat' && message.clusterId === this.identity?.clusterId) {
      this.liveness?.heard(envelope.from, this.runtime.clock.nowMs());
    }
  }
}
