// One orchestration for the server and the simulator: which nodes this process runs, the
// controller's bootstrap, operator proposals with retries, following the committed topology,
// scale-out (with its rollback) and drive replacement. The process-specific parts (how a node is
// started and stopped, where the membership is kept, time) come through a `ClusterHost`, so the
// cluster swarm runs exactly what the server runs. Callback based, like the runtime, so the
// simulator orders every event itself.

import type { BootstrapCommand, CommandResult, ControllerCommand } from '../controller/commands';
import { runningOperation, type ControllerState } from '../controller/state';
import type { TesseraNode } from '../node/tessera-node';
import type { ClusterTopology, NodeSpec } from '../topology/topology';
import { bootstrapController, type BootstrapRun } from './bootstrap';
import type { ClusterHost, ClusterMembership } from './cluster-host';
import { slicesCountingOnDrive } from './drive-replace';
import { OPERATOR_PROPOSE_TIMEOUT_MS, proposeWithRetry, type ProposeRetryOptions } from './propose-with-retry';
import { scaleOutShapeProblem, scaleOutSpecs, type ScaleOutShape } from './scale-out';
import { planTopologyFollow, TOPOLOGY_FOLLOW_MS } from './topology-follower';

export type ScaleOutResult =
  | { readonly ok: true; readonly operationId: string; readonly nodes: readonly string[] }
  | { readonly ok: false; readonly code: string; readonly message: string };

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
  private adding: NodeSpec[] = [];
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
   * `scale-out.start` is proposed; the controller's leader migrates slices onto them. Refused for
   * good (or a node that does not start): the new nodes are stopped and their data discarded.
   */
  scaleOut(shape: ScaleOutShape, actor: string, done: (result: ScaleOutResult) => void): void {
    const problem = scaleOutShapeProblem(shape);
    if (problem !== null) {
      done({ ok: false, code: 'InvalidArgument', message: problem });
      return;
    }
    const state = this.freshestState();
    const running = state === undefined ? undefined : runningOperation(state);
    if (running !== undefined) {
      done({ ok: false, code: 'Conflict', message: `operation ${running.id} (${running.kind}) is running; wait for it or cancel it first` });
      return;
    }
    const committed = this.topology();
    const specs = scaleOutSpecs(committed, this.membershipValue, this.adding, shape);
    const grown: ClusterTopology = { nodes: [...committed.nodes, ...specs] };
    this.adding.push(...specs);
    // What a join that never committed left behind (a crash mid-way) is not a member: start clean.
    for (const spec of specs) this.host.discardNode(spec.id);
    const startErrors: string[] = [];
    let waiting = specs.length;
    const rollBack = (result: { readonly code: string; readonly message: string }): void => {
      this.adding = this.adding.filter((s) => !specs.includes(s));
      let left = specs.length;
      for (const spec of specs) {
        this.stopNode(spec.id, false, () => {
          this.heldDown.delete(spec.id);
          this.host.discardNode(spec.id);
          if (--left === 0) done({ ok: false, ...result });
        });
      }
    };
    const propose = (): void => {
      if (startErrors.length > 0) {
        rollBack({ code: 'StartFailed', message: `new nodes did not start: ${startErrors.join('; ')}` });
        return;
      }
      const command: ControllerCommand = { type: 'scale-out.start', actor, timeMs: this.host.wallClock.epochMs(), nodes: specs };
      this.proposeWithRetry(command, { applied: (s) => specs.every((spec) => s.nodeStates[spec.id] !== undefined) }, (result) => {
        if (!result.ok) {
          rollBack(result);
          return;
        }
        this.adding = this.adding.filter((s) => !specs.includes(s));
        this.followTopology(() => {
          const operation = this.freshestState()?.operations.find((op) => op.kind === 'scale-out' && op.nodes.includes(specs[0]?.id ?? ''));
          this.host.log(`scale-out: added ${specs.map((s) => s.id).join(', ')}; operation ${operation?.id ?? '?'}`);
          done({ ok: true, operationId: operation?.id ?? '', nodes: specs.map((s) => s.id) });
        });
      });
    };
    for (const spec of specs) {
      this.startNode(spec.id, grown, (error) => {
        if (error !== null) startErrors.push(`${spec.id}: ${error}`);
        if (--waiting === 0) propose();
      });
    }
  }

  /**
   * Swaps a drive for a new, empty one and tells the controller, which then rebalances roles onto
   * its VNs. A working drive is retired first (`drive.fail`: its slices fail over before its data
   * is wiped); refused while any slice still counts on a copy on it.
   */
  replaceDrive(driveId: string, actor: string, done: (result: CommandResult) => void): void {
    const node = this.topology().nodes.find((n) => n.drives.some((d) => d.id === driveId));
    if (node === undefined) {
      done({ ok: false, code: 'NotFound', message: `driveId: no drive ${driveId}` });
      return;
    }
    if (!this.running.has(node.id)) {
      done({ ok: false, code: 'Conflict', message: `driveId: node ${node.id} of ${driveId} is not running` });
      return;
    }
    const replace = (): void => {
      const state = this.leaderState();
      if (state === undefined) {
        done({ ok: false, code: 'NoLeader', message: 'the controller has no leader (quorum lost?)' });
        return;
      }
      const blocking = slicesCountingOnDrive(state, driveId);
      if (blocking > 0) {
        done({ ok: false, code: 'Conflict', message: `driveId: ${blocking} slices still count on their copy on ${driveId}; bring their other copy's node back first` });
        return;
      }
      const generation = state.drives[driveId]?.generation ?? 0;
      this.host.replaceDrive(node.id, driveId, (error) => {
        if (error !== null) {
          done({ ok: false, code: 'Internal', message: `driveId: ${driveId} could not be replaced: ${error}` });
          return;
        }
        const command: ControllerCommand = { type: 'drive.replace', actor, timeMs: this.host.wallClock.epochMs(), driveId, reason: `replaced by ${actor}` };
        this.proposeWithRetry(command, { applied: (s) => (s.drives[driveId]?.generation ?? 0) > generation }, (result) => {
          if (result.ok) this.host.log(`drive ${driveId} replaced`);
          done(result);
        });
      });
    };
    const state = this.freshestState();
    if (state !== undefined && state.drives[driveId]?.state !== 'failed' && slicesCountingOnDrive(state, driveId) > 0) {
      const command: ControllerCommand = { type: 'drive.fail', actor, timeMs: this.host.wallClock.epochMs(), driveId, reason: 'taken out for replacement' };
      this.proposeWithRetry(command, { applied: (s) => s.drives[driveId]?.state === 'failed' }, (result) => {
        if (result.ok) replace();
        else done(result);
      });
      return;
    }
    replace();
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
