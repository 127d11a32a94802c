// One orchestration for the server and the simulator: which nodes this process runs, the
// controller's bootstrap, operator proposals with retries, following the committed topology,
// scale-out (with its rollback) and drive replacement. The process-specific parts (how a node is
// started and stopped, where the membership is kept, time) come through a `ClusterHost`, so the
// cluster swarm runs exactly what the server runs. Callback based, like the runtime, so the
// simulator orders every event itself.

import type { BootstrapCommand, CommandResult, ControllerCommand } from '../controller/commands';
import type { ControllerState } from '../controller/state';
import type { TesseraNode } from '../node/tessera-node';
import type { ClusterTopology, NodeSpec } from '../topology/topology';
import { bootstrapController, type BootstrapRun } from './bootstrap';
import type { ClusterHost, ClusterMembership } from './cluster-host';
import { runDriveReplace } from './drive-replace';
import { OPERATOR_PROPOSE_TIMEOUT_MS, proposeWithRetry, type ProposeRetryOptions } from './propose-with-retry';
import { runScaleOut, type ScaleOutResult, type ScaleOutShape } from './scale-out';
import { planTopologyFollow, TOPOLOGY_FOLLOW_MS } from './topology-follower';

export type { ScaleOutResult } from './scale-out';

export interface OrchestratorOptions {
  /** How long operator-style proposals (scale-out, drive replacement) are retried. */
  readonly proposeLimitMs?: number;
}

export class ClusterOrchestrator {
  /** Nodes this process runs (from launch until their halt completes). */
  private readonly running = new Map<string, TesseraNode>();
  /** Nodes stopped on purpose (a drill, a simulated crash): the topology follower leaves them down. */
  private readonly heldDown = new Set<string>();
  /** Specs of the nodes a scale-out is adding, until its proposal is decided. */
  private adding: readonly NodeSpec[] = [];
  private membershipValue: ClusterMembership;
  /** Applied index of the state the follower last acted on: it never acts on an older one. */
  private followedIndex = 0;
  private following = false;
  private followTimer: number | undefined;
  private bootstrapRun: BootstrapRun | undefined;
  private closing = false;

  private readonly proposeLimitMs: number;

  constructor(private readonly host: ClusterHost, membership: ClusterMembership, options: OrchestratorOptions = {}) {
    this.membershipValue = membership;
    this.proposeLimitMs = options.proposeLimitMs ?? OPERATOR_PROPOSE_TIMEOUT_MS;
  }

  get membership(): ClusterMembership {
    return this.membershipValue;
  }

  /** Running nodes by id. */
  nodes(): ReadonlyMap<string, TesseraNode> {
    return this.running;
  }

  isRunning(nodeId: string): boolean {
    return this.running.has(nodeId);
  }

  /** Nodes of the cluster as this process knows them: the membership and the nodes being added. */
  memberIds(): string[] {
    const ids = this.membershipValue.topology.nodes.map((n) => n.id);
    for (const spec of this.adding) if (!ids.includes(spec.id)) ids.push(spec.id);
    return ids;
  }

  leader(): TesseraNode | undefined {
    for (const node of this.running.values()) if (node.getController()?.isLeader() === true) return node;
    return undefined;
  }

  /** The committed state as the current leader holds it. */
  leaderState(): ControllerState | undefined {
    return this.leader()?.controllerState();
  }

  /** The freshest committed state this process holds: the leader's, else the most applied. */
  freshestState(): ControllerState | undefined {
    const leaderState = this.leaderState();
    if (leaderState !== undefined) return leaderState;
    let best: ControllerState | undefined;
    for (const node of this.running.values()) {
      const state = node.controllerState();
      if (state !== undefined && (best === undefined || state.appliedIndex > best.appliedIndex)) best = state;
    }
    return best;
  }

  /** The committed topology once the controller has this cluster's, else the membership's. */
  topology(): ClusterTopology {
    const state = this.freshestState();
    return state?.clusterId === this.membershipValue.clusterId ? state.topology : this.membershipValue.topology;
  }

  /** One attempt through the controller leader; the result arrives once applied (or refused). */
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void {
    const leader = this.leader();
    if (leader === undefined) done({ ok: false, code: 'NoLeader', message: 'the controller has no leader (quorum lost?)' });
    else leader.propose(command, done);
  }

  /** Proposes as an operator retrying would (see propose-with-retry.ts). */
  proposeWithRetry(command: ControllerCommand, options: ProposeRetryOptions, done: (result: CommandResult) => void): void {
    const deps = { clock: this.host.clock, timers: this.host.timers, propose: (c: ControllerCommand, d: (r: CommandResult) => void) => this.propose(c, d), leaderState: () => this.leaderState() };
    proposeWithRetry(deps, command, { limitMs: this.proposeLimitMs, ...options }, done);
  }

  /**
   * Starts (or restarts) a node of this process. A new node is bootstrapped with `topology`
   * (default: the committed one with the nodes being added); an existing one reads its identity.
   */
  startNode(nodeId: string, topology: ClusterTopology = this.bootTopology(), started: (error: string | null) => void = () => undefined): void {
    if (this.running.has(nodeId) || this.closing) {
      started(this.closing ? `node ${nodeId}: the cluster is closing` : null);
      return;
    }
    this.heldDown.delete(nodeId);
    const bootstrap = { clusterId: this.membershipValue.clusterId, topology, voters: this.membershipValue.foundingVoters };
    const node = this.host.launchNode(nodeId, bootstrap, started);
    this.running.set(nodeId, node);
  }

  /**
   * Stops a node as its process dying would. `holdDown`: on purpose (a drill, a simulated
   * crash), so the topology follower does not start it again; it stays down until `startNode`.
   */
  stopNode(nodeId: string, holdDown: boolean, stopped: () => void = () => undefined): void {
    if (holdDown) this.heldDown.add(nodeId);
    const node = this.running.get(nodeId);
    if (node === undefined) {
      stopped();
      return;
    }
    this.host.haltNode(nodeId, node, () => {
      if (this.running.get(nodeId) === node) this.running.delete(nodeId);
      stopped();
    });
  }

  /** Waits for a controller leader; on a new cluster proposes `bootstrap` until it applies. */
  bootstrap(makeCommand: () => BootstrapCommand, limitMs: number, done: (result: CommandResult) => void): void {
    this.bootstrapRun = bootstrapController({ clock: this.host.clock, timers: this.host.timers, leader: () => this.leader() }, this.membershipValue.clusterId, makeCommand, limitMs, (result) => {
      this.bootstrapRun = undefined;
      done(result);
    });
  }

  /** Follows the committed topology every `TOPOLOGY_FOLLOW_MS`; `observe` runs first each time. */
  startFollowing(observe: () => void = () => undefined): void {
    const loop = (): void => {
      this.followTimer = undefined;
      if (this.closing) return;
      try {
        observe();
      } catch (error) {
        this.host.log(`observing the cluster failed: ${String(error)}`);
      }
      this.followTopology(() => {
        if (!this.closing) this.followTimer = this.host.timers.schedule(TOPOLOGY_FOLLOW_MS, loop);
      });
    };
    this.followTimer = this.host.timers.schedule(TOPOLOGY_FOLLOW_MS, loop);
  }

  /** One round of following the committed topology (see topology-follower.ts). */
  followTopology(done: () => void = () => undefined): void {
    const state = this.leaderState();
    if (this.following || this.closing || state === undefined || state.appliedIndex < this.followedIndex) {
      done();
      return;
    }
    const plan = planTopologyFollow(state, this.membershipValue, new Set(this.running.keys()), this.heldDown);
    if (plan.start.length === 0 && plan.stop.length === 0 && plan.membership === undefined) {
      this.followedIndex = state.appliedIndex;
      done();
      return;
    }
    this.following = true;
    const steps: Array<(next: () => void) => void> = [
      ...plan.start.map((id) => (next: () => void) => {
        this.host.log(`starting node ${id} (in the committed topology)`);
        this.startNode(id, state.topology, (error) => {
          if (error !== null) this.host.log(`following the topology failed: node ${id} did not start: ${error}`);
          next();
        });
      }),
      ...plan.stop.map((id) => (next: () => void) => this.stopNode(id, false, () => {
        this.host.log(`node ${id} left the cluster (decommissioned)`);
        next();
      })),
    ];
    const run = (): void => {
      const step = steps.shift();
      if (step !== undefined && !this.closing) {
        step(run);
        return;
      }
      if (plan.membership !== undefined && !this.closing) {
        this.host.persistMembership(plan.membership);
        this.membershipValue = plan.membership;
        const members = new Set(plan.membership.topology.nodes.map((n) => n.id));
        for (const id of [...this.heldDown]) if (!members.has(id) && !this.adding.some((s) => s.id === id)) this.heldDown.delete(id);
      }
      this.followedIndex = state.appliedIndex;
      this.following = false;
      done();
    };
    run();
  }

  /**
   * Scale-out: the new nodes start empty (joining the controller as Raft learners), then
   * `scale-out.start` is proposed (see scale-out.ts); refused for good, they are rolled back.
   */
  scaleOut(shape: ScaleOutShape, actor: string, done: (result: ScaleOutResult) => void): void {
    runScaleOut({
      freshestState: () => this.freshestState(), topology: () => this.topology(), membership: () => this.membershipValue,
      adding: () => this.adding, setAdding: (specs) => { this.adding = specs; },
      startNode: (id, topology, started) => this.startNode(id, topology, started),
      stopNode: (id, stopped) => this.stopNode(id, false, () => { this.heldDown.delete(id); stopped(); }),
      discardNode: (id) => this.host.discardNode(id),
      proposeWithRetry: (command, options, answered) => this.proposeWithRetry(command, options, answered),
      followTopology: (followed) => this.followTopology(followed),
      wallClock: this.host.wallClock, log: this.host.log,
    }, shape, actor, done);
  }

  /** Swaps a drive for a new, empty one and tells the controller (see drive-replace.ts). */
  replaceDrive(driveId: string, actor: string, done: (result: CommandResult) => void): void {
    runDriveReplace({
      topology: () => this.topology(), isRunning: (id) => this.running.has(id),
      leaderState: () => this.leaderState(), freshestState: () => this.freshestState(),
      replaceDevice: (nodeId, id, replaced) => this.host.replaceDrive(nodeId, id, replaced),
      proposeWithRetry: (command, options, answered) => this.proposeWithRetry(command, options, answered),
      wallClock: this.host.wallClock, log: this.host.log,
    }, driveId, actor, done);
  }

  /** Stops following and bootstrapping, then halts every node. */
  close(done: () => void): void {
    this.closing = true;
    if (this.followTimer !== undefined) this.host.timers.cancel(this.followTimer);
    this.followTimer = undefined;
    this.bootstrapRun?.cancel();
    const nodes = [...this.running];
    if (nodes.length === 0) {
      done();
      return;
    }
    let left = nodes.length;
    for (const [id, node] of nodes) {
      this.host.haltNode(id, node, () => {
        this.running.delete(id);
        if (--left === 0) done();
      });
    }
  }

  /** A new node's bootstrap topology: the committed one and the nodes being added. */
  private bootTopology(): ClusterTopology {
    const topology = this.topology();
    const missing = this.adding.filter((spec) => !topology.nodes.some((n) => n.id === spec.id));
    return missing.length === 0 ? topology : { nodes: [...topology.nodes, ...missing] };
  }
}
