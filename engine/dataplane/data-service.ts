// The data plane of one node: the primaries of the slices its VNs lead, the secondary side of
// replication, client requests, read leases, and controller proposals forwarded to the leader.
// It follows the controller's committed slice maps: whenever they change it starts, updates or
// retires its primaries. Everything it touches comes from the node's runtime.

import type { CommandResult, ControllerCommand, SliceChange } from '../controller/commands';
import type { ControllerState, SliceEntry } from '../controller/state';
import type { DurableStore, Envelope, NodeRuntime, StoreWrite, TimerId } from '../runtime/runtime';
import type { ClusterTopology } from '../topology/topology';
import { compareStamps, decodeObject } from './object-record';
import {
  CTL_PROPOSE, CTL_RESULT, DATA_REQUEST, DATA_RESPONSE, LEASE_GRANT, LEASE_REQUEST, REPL_ACK, REPL_BEGIN, REPL_FETCH, REPL_WRITE,
  type ContainerMap, type CtlPropose, type CtlResult, type DataOp, type DataRequest, type DataResult, type LeaseGrant, type LeaseRequest,
  type ListedKey, type ReplAck, type ReplBegin, type ReplFetch, type ReplItem, type ReplWrite,
} from './messages';
import { mergeItemWrites, PrimarySlice, scanSliceChunk, settledDedupDeletes } from './primary-slice';
import { NO_CANARIES, type DataPlaneCanaries, type ReplicaContext } from './replica-context';
import { leaseMsFor, promotionWaitMsFor, ReadLease } from './read-lease';
import { SliceJanitor } from './slice-janitor';
import { DEDUP_KEY_PREFIX, objectKey, prefixEnd, slicePrefix } from './store-keys';

/** How often primaries with work in flight resend, rebuild and check their secondaries. */
export const DATA_TICK_MS = 20;
/** Replication answers older than this are forgotten (their sender resends with a new id). */
export const REPL_ACK_WAIT_MS = 10_000;
/** A forwarded controller proposal with no answer after this long is reported as Timeout. */
export const PROPOSAL_FORWARD_TIMEOUT_MS = 3_000;
/** Coalesce slice reconfigurations for this long into one controller command. */
export const RECONFIGURE_BATCH_MS = 20;
/** Scrub every drive's records this often by default (the simulator scrubs faster). */
export const SCRUB_INTERVAL_MS = 600_000;
/** The first scrub after start: soon, to repair writes torn by the crash that preceded it. */
export const SCRUB_FIRST_DELAY_MS = 2_000;
/** Keys one list request may return. */
export const LIST_LIMIT_MAX = 1_000;
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

interface RebuildWipe {
  readonly rebuildId: string;
}

export class DataService {
  private readonly primaries = new Map<string, PrimarySlice>();
  private readonly wiped = new Map<string, RebuildWipe>();
  private readonly acks = new Map<number, { readonly onAck: (ack: ReplAck) => void; readonly atMs: number }>();
  private readonly forwarded = new Map<number, { readonly done: (result: CommandResult) => void; readonly timer: TimerId }>();
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
  private batch: { changes: SliceChange[]; callbacks: Array<(result: CommandResult) => void> } | undefined;
  private nextId = 1;
  private followedIndex = -1;
  private copyBudget = 0;
  private copyBudgetAtMs = 0;
  private copyBytes = 0;
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
      takeCopyBudget: (bytes) => this.takeCopyBudget(bytes, settings()?.rebuildThrottleMBps ?? 0),
      promotionWaitMs: () => promotionWaitMsFor(settings()?.failureDetectionTimeoutMs ?? 1000),
      propose: (command, done) => this.proposeBatched(command, done),
      fatal: (reason, store) => this.commitFailed(reason, store),
      canaries: deps.canaries ?? NO_CANARIES,
    };
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

  /** Token bucket of copy traffic (rebuilds, migrations), refilled at the throttle rate. */
  private takeCopyBudget(bytes: number, megabytesPerSecond: number): boolean {
    this.copyBytes += bytes;
    if (megabytesPerSecond <= 0) return true;
    const nowMs = this.runtime.clock.nowMs();
    const rate = megabytesPerSecond * 1e6 / 1000;
    // At most one second of burst.
    this.copyBudget = Math.min(rate * 1000, this.copyBudget + (nowMs - this.copyBudgetAtMs) * rate);
    this.copyBudgetAtMs = nowMs;
    if (this.copyBudget < bytes && this.copyBudget < rate * 1000) {
      this.copyBytes -= bytes;
      return false;
    }
    this.copyBudget -= bytes;
    return true;
  }

  /** Bytes copied by rebuilds since start (progress and throughput views). */
  copiedBytes(): number {
    return this.copyBytes;
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
      case REPL_WRITE: this.onReplWrite(envelope.from, message as ReplWrite); return true;
      case REPL_BEGIN: this.onReplBegin(envelope.from, message as ReplBegin); return true;
      case REPL_FETCH: this.onReplFetch(envelope.from, message as ReplFetch); return true;
      case REPL_ACK: {
        const ack = message as ReplAck;
        const waiting = this.acks.get(ack.id);
        if (waiting !== undefined) {
          this.acks.delete(ack.id);
          waiting.onAck(ack);
        }
        return true;
      }
      case CTL_PROPOSE: this.onForwardedProposal(envelope.from, message as CtlPropose); return true;
      case CTL_RESULT: {
        const result = message as CtlResult;
        const waiting = this.forwarded.get(result.id);
        if (waiting !== undefined) {
          this.forwarded.delete(result.id);
          this.runtime.timers.cancel(waiting.timer);
          waiting.done(result.result);
        }
        return true;
      }
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
      this.list(op, container.seedHex, reply);
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

  /** Keys with `prefix` after `cursor` from the slices this node leads, in key order. */
  private list(op: Extract<DataOp, { type: 'list' }>, seedHex: string, reply: (result: DataResult) => void): void {
    if (!this.context.canaries.readWithoutLease && !this.context.readLeaseValid()) {
      reply({ ok: false, code: 'Unavailable', message: `node ${this.runtime.nodeId} holds no valid read lease` });
      return;
    }
    const limit = Math.max(1, Math.min(LIST_LIMIT_MAX, op.limit));
    const found: ListedKey[] = [];
    let more = false;
    for (const primary of this.primaries.values()) {
      if (primary.seedHex !== seedHex || primary.status !== 'active') continue;
      const store = this.storeOfVn(primary.vn);
      if (store === undefined) continue;
      const base = slicePrefix(seedHex, primary.slice);
      const start = op.cursor > op.prefix ? `${objectKey(seedHex, primary.slice, op.cursor)}\u0000` : objectKey(seedHex, primary.slice, op.prefix);
      let cursor = start;
      let taken = 0;
      // Tombstones do not count; keep scanning until `limit` live keys or the end of the prefix.
      while (taken < limit) {
        const want = limit - taken + 16;
        const rows = store.scan({ startKey: cursor, endKey: prefixEnd(base + op.prefix), limit: want });
        for (const [storeKey, bytes] of rows) {
          try {
            if (storeKey.startsWith(DEDUP_KEY_PREFIX, base.length)) continue;
            const record = decodeObject(bytes, storeKey);
            if (record.deleted) continue;
            found.push({ key: storeKey.slice(base.length), version: record.version, size: record.value.length });
            taken++;
          } catch {
            continue;
          }
        }
        const last = rows[rows.length - 1];
        if (rows.length < want || last === undefined) break;
        cursor = `${last[0]}\u0000`;
      }
      if (taken >= limit) more = true;
    }
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (found.length > limit) more = true;
    reply({ ok: true, keys: found.slice(0, limit), more });
  }

  // ---- secondary side ------------------------------------------------------------------------

  /** The committed entry for a replication message, or why it must be refused. */
  private checkReplica(message: ReplWrite | ReplBegin): { entry: SliceEntry; seedHex: string; store: DurableStore } | string {
    const container = this.deps.state()?.containers[message.container];
    const entry = container?.slices[message.slice];
    const store = this.storeOfVn(message.toVn);
    if (container === undefined || entry === undefined || store === undefined || !this.usable(message.toVn)) return 'NoSlice';
    if (!this.context.canaries.skipEpochCheck) {
      if (message.epoch > entry.epoch) return 'Behind';
      if (message.epoch < entry.epoch) return 'StaleEpoch';
      if (entry.primary !== message.fromVn || (entry.secondary !== message.toVn && entry.learner !== message.toVn)) return 'NotSecondary';
    }
    return { entry, seedHex: container.seedHex, store };
  }

  private ack(to: string, id: number, ok: boolean, code: string): void {
    this.sendTo(to, { kind: REPL_ACK, id, ok, code });
  }

  private onReplWrite(from: string, message: ReplWrite): void {
    const checked = this.checkReplica(message);
    if (typeof checked === 'string') {
      this.ack(from, message.id, false, checked);
      return;
    }
    const { entry, seedHex, store } = checked;
    const sliceKey = `${seedHex}/${message.slice}`;
    if (!entry.inSync.includes(message.toVn) && !this.context.canaries.skipEpochCheck) {
      // A rebuild target accepts only the rebuild it has been wiped for.
      if (message.rebuildId === undefined || this.wiped.get(sliceKey)?.rebuildId !== message.rebuildId) {
        this.ack(from, message.id, false, 'NotReady');
        return;
      }
    }
    const writes = mergeItemWrites(store, seedHex, message.slice, message.items);
    if (message.settled !== undefined) writes.push(...settledDedupDeletes(store, seedHex, message.slice, message.settled));
    // Even with nothing new, commit (an empty batch): durability is in commit order, so its
    // callback also proves that an earlier copy of the same records is durable.
    store.commit(writes, (result) => {
      if (!result.ok) {
        this.commitFailed(`replica write failed: ${result.error}`, store);
        return;
      }
      this.ack(from, message.id, true, 'ok');
    });
  }

  /** The other copy asks for records to repair corrupt ones (either direction, same epoch). */
  private onReplFetch(from: string, message: ReplFetch): void {
    const container = this.deps.state()?.containers[message.container];
    const entry = container?.slices[message.slice];
    const store = this.storeOfVn(message.toVn);
    if (container === undefined || entry === undefined || store === undefined || !this.usable(message.toVn)) {
      this.ack(from, message.id, false, 'NoSlice');
      return;
    }
    const pair = [entry.primary, entry.secondary, entry.learner ?? ''];
    if (message.epoch !== entry.epoch || !pair.includes(message.fromVn) || !pair.includes(message.toVn) || !entry.inSync.includes(message.toVn)) {
      this.ack(from, message.id, false, message.epoch > entry.epoch ? 'Behind' : 'StaleEpoch');
      return;
    }
    if (message.since !== undefined) {
      // A restarted primary reconciling: its chunk of our records stamped above its sync mark.
      const since = message.since;
      const prefix = slicePrefix(container.seedHex, message.slice);
      const { items, next } = scanSliceChunk(store, container.seedHex, message.slice, prefix + (message.from ?? ''), (record) => compareStamps(record.stamp, since) > 0);
      this.sendTo(from, { kind: REPL_ACK, id: message.id, ok: true, code: 'ok', items, ...(next === null ? {} : { next: next.slice(prefix.length) }) });
      return;
    }
    const items: ReplItem[] = [];
    const corruptKeys: string[] = [];
    for (const key of message.keys) {
      const bytes = store.get(objectKey(container.seedHex, message.slice, key));
      if (bytes === undefined) continue;
      try {
        decodeObject(bytes, key);
        items.push({ key, record: bytes });
      } catch {
        corruptKeys.push(key);
      }
    }
    this.sendTo(from, { kind: REPL_ACK, id: message.id, ok: true, code: 'ok', items, corruptKeys });
  }

  /**
   * Scrub: verify the checksum of every record this node holds for its in-sync copies, and
   * repair corrupt ones from the other copy (a bit flipped at rest, a write torn by a crash).
   * Runs soon after start and then every `scrubIntervalMs`.
   */
  private scrub(): void {
    const state = this.deps.state();
    if (state === undefined || this.stopped) return;
    for (const container of Object.values(state.containers)) {
      container.slices.forEach((entry, slice) => {
        const local = [entry.primary, entry.secondary, entry.learner ?? ''].find((vn) => this.usable(vn) && entry.inSync.includes(vn));
        const store = local === undefined ? undefined : this.storeOfVn(local);
        if (local === undefined || store === undefined) return;
        const corrupt = corruptKeysOfSlice(store, container.seedHex, slice);
        if (corrupt.length === 0) return;
        this.scrubRepairs++;
        if (local === entry.primary) {
          this.primaries.get(`${container.seedHex}/${slice}`)?.repair(corrupt, () => undefined);
          return;
        }
        const primaryNode = this.vnNode.get(entry.primary);
        if (primaryNode === undefined) return;
        this.context.sendToReplica(primaryNode, (id) => ({ kind: REPL_FETCH, id, container: container.name, slice, epoch: entry.epoch, fromVn: local, toVn: entry.primary, keys: corrupt }), (ack) => {
          if (!ack.ok) return;
          // A valid record always beats a corrupt one; a key the primary lacks goes here too.
          const alsoCorrupt = new Set(ack.corruptKeys ?? []);
          const found = new Map((ack.items ?? []).map((item) => [item.key, item.record]));
          const stillCorrupt = (key: string): boolean => {
            const bytes = store.get(objectKey(container.seedHex, slice, key));
            if (bytes === undefined) return false;
            try {
              decodeObject(bytes, key);
              return false;
            } catch {
              return true;
            }
          };
          // Only records still corrupt: replication may have brought a newer one meanwhile.
          const writes: StoreWrite[] = corrupt.filter((key) => !alsoCorrupt.has(key) && stillCorrupt(key)).map((key) => ({ key: objectKey(container.seedHex, slice, key), value: found.get(key) ?? null }));
          store.commit(writes, (result) => { if (!result.ok) this.commitFailed(`scrub repair failed: ${result.error}`, store); });
        });
      });
    }
  }

  private onReplBegin(from: string, message: ReplBegin): void {
    const checked = this.checkReplica(message);
    if (typeof checked === 'string') {
      this.ack(from, message.id, false, checked);
      return;
    }
    const { entry, seedHex, store } = checked;
    if (entry.inSync.includes(message.toVn)) {
      // Never wipe a copy the controller counts on.
      this.ack(from, message.id, false, 'InSync');
      return;
    }
    const sliceKey = `${seedHex}/${message.slice}`;
    if (this.wiped.get(sliceKey)?.rebuildId === message.rebuildId) {
      store.commit([], () => this.ack(from, message.id, true, 'ok'));
      return;
    }
    const prefix = slicePrefix(seedHex, message.slice);
    const deletes: Array<{ key: string; value: null }> = [];
    let cursor = prefix;
    for (;;) {
      const rows = store.scan({ startKey: cursor, endKey: prefixEnd(prefix), limit: 1024 });
      for (const [key] of rows) deletes.push({ key, value: null });
      const last = rows[rows.length - 1];
      if (rows.length < 1024 || last === undefined) break;
      cursor = `${last[0]}\u0000`;
    }
    this.wiped.set(sliceKey, { rebuildId: message.rebuildId });
    store.commit(deletes, (result) => {
      if (!result.ok) {
        this.commitFailed(`replica wipe failed: ${result.error}`, store);
        return;
      }
      this.ack(from, message.id, true, 'ok');
    });
  }

  // ---- controller proposals ------------------------------------------------------------------

  /** Slice reconfigurations from many primaries travel as one command. */
  private proposeBatched(command: ControllerCommand, done: (result: CommandResult) => void): void {
    if (command.type !== 'slices.reconfigure') {
      this.propose(command, done);
      return;
    }
    if (this.batch === undefined) {
      const batch = { changes: [] as SliceChange[], callbacks: [] as Array<(result: CommandResult) => void> };
      this.batch = batch;
      this.runtime.timers.schedule(RECONFIGURE_BATCH_MS, () => {
        this.batch = undefined;
        this.propose({ type: 'slices.reconfigure', actor: 'system', timeMs: this.runtime.wallClock.epochMs(), changes: batch.changes }, (result) => {
          for (const callback of batch.callbacks) callback(result);
        });
      });
    }
    this.batch.changes.push(...command.changes);
    this.batch.callbacks.push(done);
  }

  /** Proposes through the controller leader, wherever it is. */
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void {
    const status = this.deps.raftStatus();
    const leaderId = status?.leaderId ?? null;
    if (leaderId === null) {
      done({ ok: false, code: 'NoLeader', message: 'the controller has no leader' });
      return;
    }
    if (leaderId === this.runtime.nodeId) {
      this.deps.proposeLocal(command, done);
      return;
    }
    const id = this.nextId++;
    const timer = this.runtime.timers.schedule(PROPOSAL_FORWARD_TIMEOUT_MS, () => {
      if (this.forwarded.delete(id)) done({ ok: false, code: 'Timeout', message: `no answer from controller leader ${leaderId}` });
    });
    this.forwarded.set(id, { done, timer });
    this.runtime.transport.send(leaderId, { kind: CTL_PROPOSE, id, command });
  }

  private onForwardedProposal(from: string, message: CtlPropose): void {
    this.deps.proposeLocal(message.command, (result) => this.runtime.transport.send(from, { kind: CTL_RESULT, id: message.id, result }));
  }

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

/** Keys of a slice whose records fail their checksum. */
function corruptKeysOfSlice(store: DurableStore, seedHex: string, slice: number): string[] {
  const prefix = slicePrefix(seedHex, slice);
  const corrupt: string[] = [];
  let cursor = prefix;
  for (;;) {
    const rows = store.scan({ startKey: cursor, endKey: prefixEnd(prefix), limit: 1024 });
    for (const [key, bytes] of rows) {
      try {
        decodeObject(bytes, key);
      } catch {
        corrupt.push(key.slice(prefix.length));
      }
    }
    const last = rows[rows.length - 1];
    if (rows.length < 1024 || last === undefined) return corrupt;
    cursor = `${last[0]}\u0000`;
  }
}
