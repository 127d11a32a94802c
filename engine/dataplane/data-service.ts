// The data plane of one node: the primaries of the slices its VNs lead, the secondary side of
// replication, client requests, read leases, and controller proposals forwarded to the leader.
// It follows the controller's committed slice maps: whenever they change it starts, updates or
// retires its primaries. Everything it touches comes from the node's runtime.

import type { CommandResult, ControllerCommand } from '../controller/commands';
import type { ControllerState } from '../controller/state';
import type { DurableStore, Envelope, NodeRuntime, TimerId } from '../runtime/runtime';
import type { ClusterTopology } from '../topology/topology';
import { ControllerProxy } from './controller-proxy';
import { CopyThrottle } from './copy-throttle';
import {
  CTL_PROPOSE, CTL_RESULT, DATA_REQUEST, DATA_RESPONSE, LEASE_GRANT, LEASE_REQUEST, REPL_ACK, REPL_BEGIN, REPL_FETCH, REPL_WRITE,
  type ContainerMap, type CtlPropose, type CtlResult, type DataRequest, type DataResult, type LeaseGrant, type LeaseRequest,
  type ReplAck, type ReplBegin, type ReplFetch, type ReplWrite,
} from './messages';
import { PrimarySlice } from './primary-slice';
import { NO_CANARIES, type DataPlaneCanaries, type ReplicaContext } from './replica-context';
import { ReplicaSide } from './replica-side';
import { leaseMsFor, promotionWaitMsFor, ReadLease } from './read-lease';
import { scrubNode } from './scrub';
import { listKeys } from './slice-listing';
import { SliceJanitor } from './slice-janitor';
import { prefixEnd, slicePrefix } from './store-keys';

export { PROPOSAL_FORWARD_TIMEOUT_MS, RECONFIGURE_BATCH_MS } from './controller-proxy';
export { LIST_LIMIT_MAX } from './slice-listing';

/** How often primaries with work in flight resend, rebuild and check their secondaries. */
export const DATA_TICK_MS = 20;
/** Replication answers older than this are forgotten (their sender resends with a new id). */
export const REPL_ACK_WAIT_MS = 10_000;
/** Scrub every drive's records this often by default (the simulator scrubs faster). */
export const SCRUB_INTERVAL_MS = 600_000;
/** The first scrub after start: soon, to repair writes torn by the crash that preceded it. */
export const SCRUB_FIRST_DELAY_MS = 2_000;
/** A failed drive is reported to the controller again this often until the failure is committed. */
export const DRIVE_FAILURE_REPORT_MS = 1_000;

export interface DataServiceDeps {
  readonly topology: ClusterTopology;
  readonly drives: ReadonlyMap<string, DurableStore>;
  state(): ControllerState | undefined;
  raftStatus(): { readonly role: string; readonly leaderId: string | null; readonly commitIndex: number } | undefined;
  /** Proposes on this node's controller replica (which must be the leader). */
  proposeLocal(command: ControllerCommand, done: (result: CommandResult) => void): void;
  /** Leader side: may `nodeId` hold a read lease now (it is up and not being declared down)? */
  mayGrantLease(nodeId: string): boolean;
  fatal(reason: string): void;
  /** This node's monotonic time minus its own pauses (engine/node/self-pause.ts); default: the monotonic clock. */
  responsiveMs?(): number;
  readonly canaries?: DataPlaneCanaries | undefined;
  /** How often to scrub (default SCRUB_INTERVAL_MS). */
  readonly scrubIntervalMs?: number | undefined;
}

export class DataService {
  private readonly primaries = new Map<string, PrimarySlice>();
  private readonly acks = new Map<number, { readonly onAck: (ack: ReplAck) => void; readonly atMs: number }>();
  private readonly vnNode = new Map<string, string>();
  private readonly vnDrive = new Map<string, string>();
  private followedTopology: ClusterTopology | undefined;
  /** This node's drives that stopped working, seen here before (or without) the controller. */
  private readonly failedDrives = new Set<string>();
  private driveReportAtMs = new Map<string, number>();
  /** Per container seed: the `vn/slice` roles this node's VNs hold, and the map epoch they are from. */
  private readonly localRoles = new Map<string, { readonly mapEpoch: number; readonly roles: ReadonlySet<string> }>();
  private swept = false;
  readonly janitor: SliceJanitor;
  private readonly lease = new ReadLease();
  private readonly context: ReplicaContext;
  private nextId = 1;
  private followedIndex = -1;
  private readonly throttle = new CopyThrottle();
  private readonly replicas: ReplicaSide;
  private readonly proxy: ControllerProxy;
  /** Slices in which a scrub found corrupt records (for tests and status). */
  scrubRepairs = 0;
  private tickTimer: TimerId | undefined;
  private stopped = false;

  constructor(private readonly runtime: NodeRuntime, private readonly deps: DataServiceDeps) {
    this.followTopology(deps.topology);
    this.janitor = new SliceJanitor({
      storeOfVn: (vn) => this.storeOfVn(vn),
      storeOfDrive: (driveId) => deps.drives.get(driveId),
      usable: (vn) => this.usable(vn),
      driveUsable: (driveId) => this.driveUsable(driveId),
      holdsRole: (vn, seedHex, slice) => this.localRoles.get(seedHex)?.roles.has(`${vn}/${slice}`) === true,
      seedInUse: (seedHex) => Object.values(deps.state()?.containers ?? {}).some((c) => c.seedHex === seedHex),
      onCommitFailed: (reason, store) => this.commitFailed(reason, store),
    });
    const settings = (): ControllerState['settings'] | undefined => deps.state()?.settings;
    this.context = {
      nodeId: runtime.nodeId,
      nowMs: () => runtime.clock.nowMs(),
      responsiveMs: () => deps.responsiveMs?.() ?? runtime.clock.nowMs(),
      wallMs: () => runtime.wallClock.epochMs(),
      schedule: (delayMs, callback) => runtime.timers.schedule(delayMs, () => { if (!this.stopped) callback(); }),
      cancel: (timer) => runtime.timers.cancel(timer),
      nodeOfVn: (vn) => this.vnNode.get(vn),
      storeOfVn: (vn) => this.storeOfVn(vn),
      sendToReplica: (nodeId, build, onAck) => {
        const id = this.nextId++;
        this.acks.set(id, { onAck, atMs: runtime.clock.nowMs() });
        this.sendTo(nodeId, build(id));
      },
      readLeaseValid: () => this.lease.valid(runtime.clock.nowMs(), deps.state()?.appliedIndex ?? 0),
      degradedWritePolicy: () => settings()?.degradedWritePolicy ?? 'accept',
      takeCopyBudget: (bytes) => this.throttle.take(bytes, settings()?.rebuildThrottleMBps ?? 0, runtime.clock.nowMs()),
      promotionWaitMs: () => promotionWaitMsFor(settings()?.failureDetectionTimeoutMs ?? 1000),
      propose: (command, done) => this.proxy.proposeBatched(command, done),
      fatal: (reason, store) => this.commitFailed(reason, store),
      canaries: deps.canaries ?? NO_CANARIES,
    };
    this.proxy = new ControllerProxy(runtime, deps);
    this.replicas = new ReplicaSide({
      state: () => deps.state(),
      storeOfVn: (vn) => this.storeOfVn(vn),
      usable: (vn) => this.usable(vn),
      sendTo: (nodeId, message) => this.sendTo(nodeId, message),
      commitFailed: (reason, store) => this.commitFailed(reason, store),
      canaries: this.context.canaries,
    });
  }

  /** Proposes through the controller leader, wherever it is. */
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void {
    this.proxy.propose(command, done);
  }

  /**
   * Scrub: verify the checksum of every record this node holds for its in-sync copies, and
   * repair corrupt ones from the other copy. Runs soon after start and then every `scrubIntervalMs`.
   */
  private scrub(): void {
    if (this.stopped) return;
    this.scrubRepairs += scrubNode({
      state: () => this.deps.state(),
      usable: (vn) => this.usable(vn),
      storeOfVn: (vn) => this.storeOfVn(vn),
      nodeOfVn: (vn) => this.vnNode.get(vn),
      repairOnPrimary: (seedHex, slice, keys) => this.primaries.get(`${seedHex}/${slice}`)?.repair(keys, () => undefined),
      sendToReplica: (nodeId, build, onAck) => this.context.sendToReplica(nodeId, build, onAck),
      commitFailed: (reason, store) => this.commitFailed(reason, store),
    });
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.tick();
      this.tickTimer = this.runtime.timers.schedule(DATA_TICK_MS, loop);
    };
    this.tickTimer = this.runtime.timers.schedule(DATA_TICK_MS, loop);
    const scrubLoop = (): void => {
      if (this.stopped) return;
      this.scrub();
      this.runtime.timers.schedule(this.deps.scrubIntervalMs ?? SCRUB_INTERVAL_MS, scrubLoop);
    };
    this.runtime.timers.schedule(SCRUB_FIRST_DELAY_MS, scrubLoop);
    const state = this.deps.state();
    if (state !== undefined) this.followMaps(state);
  }

  stop(): void {
    this.stopped = true;
    if (this.tickTimer !== undefined) this.runtime.timers.cancel(this.tickTimer);
    for (const primary of this.primaries.values()) primary.retire();
    this.primaries.clear();
  }

  /** Bytes copied by rebuilds since start (progress and throughput views). */
  copiedBytes(): number {
    return this.throttle.copiedBytes();
  }

  leaseRemainingMs(): number {
    return this.lease.remainingMs(this.runtime.clock.nowMs());
  }

  private followTopology(topology: ClusterTopology): void {
    if (topology === this.followedTopology) return;
    this.followedTopology = topology;
    this.vnNode.clear();
    this.vnDrive.clear();
    for (const node of topology.nodes) {
      for (const vn of node.vns) {
        this.vnNode.set(vn.id, node.id);
        if (node.id === this.runtime.nodeId) this.vnDrive.set(vn.id, vn.driveId);
      }
    }
  }

  /** A drive of this node is in service: not seen failing here, not failed in the committed state. */
  private driveUsable(driveId: string): boolean {
    return !this.failedDrives.has(driveId) && this.deps.state()?.drives[driveId]?.state !== 'failed';
  }

  /** The VN is on this node and its drive is in service. */
  private usable(vn: string): boolean {
    const driveId = this.vnDrive.get(vn);
    return driveId !== undefined && this.driveUsable(driveId);
  }

  /**
   * A commit failed on `store`: a drive that reports itself failed is handled as such, anything
   * else stops the node. Only that store's own state counts (seed 40009457: a node with one dead
   * drive took an fsync error on a healthy one for the dead drive's, went on running, and the
   * write waiting on that commit held its key locked for good).
   */
  private commitFailed(reason: string, store: DurableStore): void {
    this.checkDrives();
    if (store.failed?.() === true) return;
    this.deps.fatal(reason);
  }

  /**
   * A drive that stopped working takes its VNs out of service here at once (their primaries
   * stop, replication to them is refused) and is reported to the controller, which fails its
   * slices over. A replaced drive comes back once the controller committed the replacement.
   */
  private checkDrives(): void {
    const state = this.deps.state();
    const nowMs = this.runtime.clock.nowMs();
    for (const [driveId, store] of this.deps.drives) {
      const broken = store.failed?.() === true;
      if (!broken) {
        if (this.failedDrives.has(driveId) && state?.drives[driveId]?.state !== 'failed') this.failedDrives.delete(driveId);
        continue;
      }
      if (!this.failedDrives.has(driveId)) {
        this.failedDrives.add(driveId);
        this.runtime.log.error(`drive ${driveId} failed: its VNs stop serving`);
        for (const [key, primary] of this.primaries) {
          if (this.vnDrive.get(primary.vn) !== driveId) continue;
          primary.retire();
          this.primaries.delete(key);
        }
      }
      if (state?.clusterId == null || state.drives[driveId]?.state === 'failed') continue;
      if (nowMs - (this.driveReportAtMs.get(driveId) ?? Number.NEGATIVE_INFINITY) < DRIVE_FAILURE_REPORT_MS) continue;
      this.driveReportAtMs.set(driveId, nowMs);
      this.propose({ type: 'drive.fail', actor: 'system', timeMs: this.runtime.wallClock.epochMs(), driveId, reason: `I/O failed on ${this.runtime.nodeId}` }, () => undefined);
    }
  }

  private storeOfVn(vn: string): DurableStore | undefined {
    const driveId = this.vnDrive.get(vn);
    return driveId === undefined ? undefined : this.deps.drives.get(driveId);
  }

  private sendTo(nodeId: string, message: unknown): void {
    if (nodeId === this.runtime.nodeId) {
      // Local replicas talk through the same path, asynchronously, so ordering rules hold.
      this.runtime.timers.schedule(0, () => { if (!this.stopped) this.receive({ from: nodeId, to: nodeId, message }); });
      return;
    }
    this.runtime.transport.send(nodeId, message);
  }

  // ---- following the controller --------------------------------------------------------------

  /** Starts, updates and retires primaries to match the committed slice maps. */
  followMaps(state: ControllerState): void {
    if (this.stopped) return;
    this.followedIndex = state.appliedIndex;
    if (state.clusterId !== null) this.followTopology(state.topology);
    this.followRoles(state);
    const seen = new Set<string>();
    for (const container of Object.values(state.containers)) {
      container.slices.forEach((entry, slice) => {
        if (!this.usable(entry.primary)) return;
        const key = `${container.seedHex}/${slice}`;
        seen.add(key);
        const existing = this.primaries.get(key);
        if (existing !== undefined && existing.vn === entry.primary) {
          if (existing.epoch() !== entry.epoch) existing.updateEntry(entry);
          return;
        }
        existing?.retire();
        this.primaries.set(key, new PrimarySlice(this.context, container.name, container.seedHex, slice, entry.primary, entry));
      });
    }
    for (const [key, primary] of this.primaries) {
      if (seen.has(key)) continue;
      primary.retire();
      this.primaries.delete(key);
    }
  }

  /**
   * Keeps, per container, the roles this node's VNs hold; a role lost (moved away, failed over)
   * hands the VN's copy to the janitor, and so does a deleted container's seed. The first
   * bootstrapped state also sweeps every drive for leftovers of earlier runs.
   */
  private followRoles(state: ControllerState): void {
    if (state.clusterId === null) return;
    const seeds = new Set<string>();
    for (const container of Object.values(state.containers)) {
      seeds.add(container.seedHex);
      const known = this.localRoles.get(container.seedHex);
      if (known !== undefined && known.mapEpoch === container.mapEpoch) continue;
      const roles = new Set<string>();
      container.slices.forEach((entry, slice) => {
        for (const vn of [entry.primary, entry.secondary, entry.learner ?? '']) if (this.vnDrive.has(vn)) roles.add(`${vn}/${slice}`);
      });
      this.localRoles.set(container.seedHex, { mapEpoch: container.mapEpoch, roles });
      for (const role of known?.roles ?? []) {
        if (roles.has(role)) continue;
        const cut = role.lastIndexOf('/');
        this.janitor.enqueue({ kind: 'slice', vn: role.slice(0, cut), seedHex: container.seedHex, slice: Number(role.slice(cut + 1)) });
      }
    }
    for (const seedHex of [...this.localRoles.keys()]) {
      if (seeds.has(seedHex)) continue;
      this.localRoles.delete(seedHex);
      for (const driveId of this.deps.drives.keys()) this.janitor.enqueue({ kind: 'seed', driveId, seedHex });
    }
    if (!this.swept) {
      this.swept = true;
      this.sweepLeftovers(state);
    }
  }

  /** Copies of slices this node holds no role in, and seeds of deleted containers, left by earlier runs. */
  private sweepLeftovers(state: ControllerState): void {
    for (const driveId of this.deps.drives.keys()) this.janitor.sweepSeeds(driveId);
    for (const container of Object.values(state.containers)) {
      const roles = this.localRoles.get(container.seedHex)?.roles;
      for (const vn of this.vnDrive.keys()) {
        const store = this.storeOfVn(vn);
        if (store === undefined || !this.usable(vn)) continue;
        for (let slice = 0; slice < container.sliceCount; slice++) {
          if (roles?.has(`${vn}/${slice}`) === true) continue;
          const prefix = slicePrefix(container.seedHex, slice);
          if (store.scan({ startKey: prefix, endKey: prefixEnd(prefix), limit: 1 }).length > 0) this.janitor.enqueue({ kind: 'slice', vn, seedHex: container.seedHex, slice });
        }
      }
    }
  }

  private tick(): void {
    this.checkDrives();
    // Also catches maps installed from a controller snapshot, which raise no applied event.
    const state = this.deps.state();
    if (state !== undefined && state.appliedIndex !== this.followedIndex) this.followMaps(state);
    if (this.janitor.pending() > 0) this.janitor.step();
    for (const primary of this.primaries.values()) if (primary.busy()) primary.tick();
    const nowMs = this.runtime.clock.nowMs();
    if (this.acks.size > 0) {
      for (const [id, waiting] of this.acks) if (nowMs - waiting.atMs > REPL_ACK_WAIT_MS) this.acks.delete(id);
    }
  }

  // ---- messages --------------------------------------------------------------------------------

  /** Consumes data-plane messages; returns false for messages of other subsystems. */
  receive(envelope: Envelope): boolean {
    const message = envelope.message as { kind?: unknown } | null;
    switch (message?.kind) {
      case DATA_REQUEST: this.onRequest(envelope.from, message as DataRequest); return true;
      case REPL_WRITE: this.replicas.onReplWrite(envelope.from, message as ReplWrite); return true;
      case REPL_BEGIN: this.replicas.onReplBegin(envelope.from, message as ReplBegin); return true;
      case REPL_FETCH: this.replicas.onReplFetch(envelope.from, message as ReplFetch); return true;
      case REPL_ACK: {
        const ack = message as ReplAck;
        const waiting = this.acks.get(ack.id);
        if (waiting !== undefined) {
          this.acks.delete(ack.id);
          waiting.onAck(ack);
        }
        return true;
      }
      case CTL_PROPOSE: this.proxy.onForwardedProposal(envelope.from, message as CtlPropose); return true;
      case CTL_RESULT: this.proxy.onResult(message as CtlResult); return true;
      case LEASE_REQUEST: this.onLeaseRequest(envelope.from, message as LeaseRequest); return true;
      case LEASE_GRANT: {
        const settings = this.deps.state()?.settings;
        if (settings !== undefined) this.lease.granted(message as LeaseGrant, leaseMsFor(settings.failureDetectionTimeoutMs));
        return true;
      }
      default: return false;
    }
  }

  private reply(to: string, reqId: number, result: DataResult): void {
    if (this.stopped) return;
    this.sendTo(to, { kind: DATA_RESPONSE, reqId, result });
  }

  private onRequest(from: string, request: DataRequest): void {
    const reply = (result: DataResult): void => this.reply(from, request.reqId, result);
    const op = request.op;
    const state = this.deps.state();
    const container = state?.containers[op.container];
    if (state === undefined || container === undefined) {
      reply({ ok: false, code: state?.clusterId == null ? 'Unavailable' : 'NoSuchContainer', message: `no container ${op.container}` });
      return;
    }
    if (op.type === 'map') {
      reply({ ok: true, map: this.containerMap(container.name, state) });
      return;
    }
    if (state.availability === 'offline') {
      reply({ ok: false, code: 'Unavailable', message: `the cluster is offline: ${state.offlineReason ?? ''}` });
      return;
    }
    if (op.type === 'list') {
      if (!this.context.canaries.readWithoutLease && !this.context.readLeaseValid()) {
        reply({ ok: false, code: 'Unavailable', message: `node ${this.runtime.nodeId} holds no valid read lease` });
        return;
      }
      const active = [...this.primaries.values()].filter((primary) => primary.seedHex === container.seedHex && primary.status === 'active');
      reply(listKeys(op, container.seedHex, active.map((primary) => ({ slice: primary.slice, store: this.storeOfVn(primary.vn) }))));
      return;
    }
    const entry = container.slices[op.slice];
    if (entry === undefined) {
      reply({ ok: false, code: 'InvalidArgument', message: `slice ${op.slice} out of range` });
      return;
    }
    const hint = { primary: entry.primary, primaryNode: this.vnNode.get(entry.primary) ?? '', epoch: entry.epoch };
    if (op.epoch > entry.epoch) {
      reply({ ok: false, code: 'Behind', message: `node ${this.runtime.nodeId} has not applied epoch ${op.epoch} of slice ${op.slice} yet` });
      return;
    }
    const primary = this.primaries.get(`${container.seedHex}/${op.slice}`);
    if (op.epoch < entry.epoch || primary === undefined || primary.vn !== entry.primary) {
      reply({ ok: false, code: 'StaleEpoch', message: `slice ${op.slice} is at epoch ${entry.epoch} with primary ${entry.primary}`, hint });
      return;
    }
    if (op.type === 'get') primary.get(op.key, reply);
    else primary.write(op, reply);
  }

  containerMap(name: string, state: ControllerState): ContainerMap {
    const container = state.containers[name];
    if (container === undefined) throw new Error(`no container ${name}`);
    return {
      name, sliceCount: container.sliceCount, seedHex: container.seedHex,
      primaries: container.slices.map((s) => s.primary), epochs: container.slices.map((s) => s.epoch),
      vnNodes: Object.fromEntries(this.vnNode),
    };
  }



  // ---- controller proposals ------------------------------------------------------------------

  // ---- leases --------------------------------------------------------------------------------

  /** Called with every heartbeat: asks the controller leader to extend this node's read lease. */
  requestLease(): void {
    const status = this.deps.raftStatus();
    const leaderId = status?.leaderId ?? null;
    if (leaderId === null) return;
    const request: LeaseRequest = { kind: LEASE_REQUEST, sentAtMs: this.runtime.clock.nowMs() };
    if (leaderId === this.runtime.nodeId) this.onLeaseRequest(this.runtime.nodeId, request);
    else this.runtime.transport.send(leaderId, request);
  }

  private onLeaseRequest(from: string, request: LeaseRequest): void {
    const status = this.deps.raftStatus();
    if (status?.role !== 'leader' || !this.deps.mayGrantLease(from)) return;
    const grant: LeaseGrant = { kind: LEASE_GRANT, sentAtMs: request.sentAtMs, commitIndex: status.commitIndex };
    if (from === this.runtime.nodeId) this.receive({ from, to: from, message: grant });
    else this.runtime.transport.send(from, grant);
  }

  /** Operator view: primaries by status and replication work in flight. */
  summary(): { readonly primaries: number; readonly active: number; readonly rebuilding: number; readonly pendingWrites: number } {
    let active = 0;
    let rebuilding = 0;
    let pendingWrites = 0;
    for (const primary of this.primaries.values()) {
      if (primary.status === 'active') active++;
      const progress = primary.progress();
      if (progress.rebuilding !== null) rebuilding++;
      pendingWrites += progress.pendingWrites;
    }
    return { primaries: this.primaries.size, active, rebuilding, pendingWrites };
  }
}
