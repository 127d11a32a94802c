// One slice on the VN that is its primary: orders writes, replicates them, serves reads, and
// brings its secondary back to a full copy (re-protection).
//
// The rules that keep "every acknowledged write survives" true (docs/DESIGN.md §5):
// - A write is acknowledged only when it is durable here AND on every other member of the
//   slice's in-sync set (and on a rebuild target once its copy has begun). The in-sync set
//   changes only through the controller, so single-copy writes start only after Raft committed
//   the reduced set.
// - Operations on one key run one at a time; a read of a key with a write in flight waits for
//   it, so a read never returns an image that could still be lost.
// - Reads need a valid read lease and, after this VN became primary, the promotion wait.
// - After a restart the primary pushes every record newer than its durable sync mark to its
//   in-sync secondary before serving, so nothing it might serve exists on one copy only.
// - A rebuilt copy joins the in-sync set by a Raft command that names the epoch it was copied
//   at. A primary that may have such an add still in the log (proposed by an earlier run of
//   this VN, see `mayBeVouchedByEarlierAdd`) neither serves nor wipes the copy until that
//   epoch has passed.

import type { SliceEntry } from '../controller/state';
import type { StoreWrite } from '../runtime/runtime';
import { compareStamps, decodeObject, encodeObject, type ObjectRecord, type Stamp } from './object-record';
import type { DataOp, DataResult, ReplAck, ReplItem, SliceHint } from './messages';
import { scanSliceChunk, settledDedupDeletes } from './slice-store';
import { needsRebuild, stepRebuild, type Rebuild } from './slice-rebuild';
import { stepReconcile, type Reconcile } from './slice-reconcile';
import { REPL_FETCH, REPL_WRITE } from './messages';
import type { ReplicaContext } from './replica-context';
import { decodeSliceMeta, encodeSliceMeta, type SliceMeta } from './slice-meta';
import { dedupKey, objectKey, settledMarkKey, sliceMetaKey, slicePrefix } from './store-keys';

/** Operations waiting behind a busy key; more are refused with Busy. */
export const KEY_QUEUE_MAX = 64;
/** Writes in flight per slice; more are refused with Busy. */
export const SLICE_WRITES_IN_FLIGHT_MAX = 1024;
/** Counters reserved durably at a time, so a restarted primary never reuses one. */
export const COUNTER_RESERVATION = 4096;
/** Resend an unanswered replication message after this long. */
export const REPL_RESEND_MS = 50;
/** A rebuild target silent this long is dropped (it is not in the in-sync set yet). */
export const REBUILD_STALL_MS = 3_000;
/** A repair fetch with no answer after this long fails (the operation is retried by the client). */
export const REPAIR_WAIT_MS = 500;
/** Wait before retrying a rebuild or a refused in-sync change. */
export const RETRY_BACKOFF_MS = 200;

type Reply = (result: DataResult) => void;

type WriteOp = Extract<DataOp, { type: 'put' | 'delete' }>;

/** The answer to a write whose condition failed; `currentVersion` 0 means the object is absent. */
function conditionFailure(currentVersion: number): DataResult {
  return { ok: false, code: 'PreconditionFailed', message: currentVersion > 0 ? `the object is at version ${currentVersion}` : 'the object does not exist', currentVersion };
}

interface PendingWrite {
  readonly key: string;
  readonly stamp: Stamp;
  /** The object record and its dedup record. */
  readonly items: readonly ReplItem[];
  readonly settled: { readonly clientId: string; readonly below: number };
  readonly version: number;
  /** Set for a failed condition: the answer once its dedup record is durable on every copy. */
  readonly failure?: DataResult;
  readonly reply: Reply;
  localDurable: boolean;
  /** VNs that made it durable. */
  readonly acked: Set<string>;
  /** VN → time the newest copy was sent. */
  readonly sentAtMs: Map<string, number>;
}

export type PrimaryStatus = 'activating' | 'active' | 'retired';

export class PrimarySlice {
  status: PrimaryStatus = 'activating';
  private readyAtMs: number;
  private counter = 0;
  reserved = 0;
  private reserving = false;
  meta: SliceMeta | undefined;
  private readonly waitingForCounter: Array<() => void> = [];
  private readonly busyKeys = new Map<string, Array<() => void>>();
  readonly pending = new Map<number, PendingWrite>();
  rebuild: Rebuild | undefined;
  rebuildSeq = 0;
  reconcile: Reconcile | undefined;
  private secondarySilentSinceMs: number | undefined;
  private reduceProposed = false;
  /** Activation (counters reserved) is done; only then may the fence start. */
  private activated = false;
  /** See `mayBeVouchedByEarlierAdd`: waiting for the slice epoch to move past the durable marker. */
  private fencing = false;
  private fenceProposed = false;
  /** The epoch at which this instance itself proposed an in-sync add (its own, not an earlier run's). */
  addProposedHereEpoch: number | undefined;

  constructor(
    readonly ctx: ReplicaContext,
    readonly container: string,
    readonly seedHex: string,
    readonly slice: number,
    readonly vn: string,
    public entry: SliceEntry,
  ) {
    this.readyAtMs = ctx.nowMs() + ctx.promotionWaitMs();
    this.activate();
  }

  epoch(): number {
    return this.entry.epoch;
  }

  /** Slices with work in flight need the periodic tick. */
  busy(): boolean {
    return this.status === 'activating' || this.pending.size > 0 || this.rebuild !== undefined || needsRebuild(this);
  }

  hint(): SliceHint {
    return { primary: this.entry.primary, primaryNode: this.ctx.nodeOfVn(this.entry.primary) ?? '', epoch: this.entry.epoch };
  }

  store() {
    const store = this.ctx.storeOfVn(this.vn);
    if (store === undefined) throw new Error(`VN ${this.vn} has no store`);
    return store;
  }

  // ---- activation --------------------------------------------------------------------------

  private activate(): void {
    const raw = this.store().get(sliceMetaKey(this.seedHex, this.slice));
    try {
      this.meta = raw === undefined ? undefined : decodeSliceMeta(raw);
    } catch {
      // A torn meta record: resume well above every counter this copy holds and push everything;
      // and assume an in-sync add may be in flight at the current epoch (fence it).
      this.meta = { reserved: this.highestCounterHeld() + 4 * COUNTER_RESERVATION, synced: { epoch: 0, counter: 0 }, addProposedEpoch: this.entry.epoch };
    }
    this.counter = this.meta?.reserved ?? 0;
    this.reserved = this.counter;
    this.reserveCounters(() => {
      if (this.status !== 'activating') return;
      this.activated = true;
      if (this.mayBeVouchedByEarlierAdd()) this.fencing = true;
      else this.startReconcileOrServe();
      this.tick();
    });
  }

  private startReconcileOrServe(): void {
    if (this.inSyncPartner() !== undefined) this.reconcile = { phase: 'pull', pullIndex: 0, cursor: '', inFlight: false, sentAtMs: 0 };
    else this.status = 'active';
  }

  /**
   * Seed 90000419: this VN, as primary at epoch E, rebuilt its secondary and proposed adding it
   * to the in-sync set (expected epoch E), then crashed before the add committed. A new run of
   * it, still at epoch E, began the rebuild again and the target wiped its copy; then the old
   * add committed, and the next failover promoted the emptied copy. The add is still valid by
   * the epoch check in apply, and the controller cannot know which copy it vouched for.
   *
   * So before proposing an add, the primary records its epoch durably in the slice meta (one
   * local write per completed rebuild, no Raft entry). A run that finds that marker at the
   * current epoch, with a copy to build that it did not propose to add itself, may have an add
   * in flight: it fences. It does not serve (if the add wins, the target lacks what this run
   * wrote or served alone) and does not begin a rebuild (the wipe); it proposes an unchanged
   * slice entry at the same expected epoch. Raft orders the two: if the fence commits first the
   * old add is refused by the epoch check and the copy is rebuilt at the new epoch; if the add
   * commits first the target is in sync with the copy it was vouched for, untouched, and the
   * restart reconciliation brings it what this primary holds above its sync mark. Either way
   * the epoch moves past E and the fence ends. Only a restarted primary ever fences (one run
   * never begins a new rebuild at an epoch it proposed an add at), so the normal path adds no
   * Raft entries; apply is unchanged.
   */
  private mayBeVouchedByEarlierAdd(): boolean {
    const epoch = this.entry.epoch;
    return this.meta?.addProposedEpoch === epoch && this.addProposedHereEpoch !== epoch && this.rebuildTarget() !== undefined;
  }

  /** Re-checks the fence after a committed entry: enter it (writes in flight end unanswered) or leave it. */
  private checkFence(): void {
    if (!this.activated || this.status === 'retired') return;
    const fenced = this.mayBeVouchedByEarlierAdd();
    if (fenced && !this.fencing) {
      this.fencing = true;
      this.fenceProposed = false;
      this.reconcile = undefined;
      this.rebuild = undefined;
      this.status = 'activating';
      // Not acknowledged: their outcome is unknown to the client. Their records stay here and
      // reach the target by the rebuild or by the reconciliation that ends the fence.
      for (const [id, write] of this.pending) {
        this.pending.delete(id);
        write.reply({ ok: false, code: 'Unavailable', message: `slice ${this.container}/${this.slice} is fencing an earlier in-sync add on ${this.vn}; the write's outcome is unknown` });
        this.release(write.key);
      }
    } else if (!fenced && this.fencing) {
      this.fencing = false;
      this.fenceProposed = false;
      this.startReconcileOrServe();
    }
  }

  private stepFence(): void {
    if (!this.fencing || this.fenceProposed) return;
    this.fenceProposed = true;
    const { epoch, primary, secondary, learner, inSync } = this.entry;
    const change = { container: this.container, slice: this.slice, expectedEpoch: epoch, primary, secondary, inSync: [...inSync], ...(learner === undefined ? {} : { learner }), reason: `primary ${this.vn} restarted: fence an earlier in-sync add at epoch ${epoch}` };
    this.ctx.propose({ type: 'slices.reconfigure', actor: 'system', timeMs: this.ctx.wallMs(), changes: [change] }, (result) => {
      // Once the epoch moves (the fence or the old add committed, or another change) updateEntry
      // ends the fence. Until then try again: soon after a refusal (no leader, say), later after
      // an "ok" (a batch in which this change may have been refused alone, or an entry this
      // node has not applied yet: a second fence at the old epoch is then refused, harmless).
      if (!this.fencing || this.entry.epoch !== epoch) return;
      this.ctx.schedule(result.ok ? REBUILD_STALL_MS : RETRY_BACKOFF_MS, () => { if (this.fencing && this.entry.epoch === epoch) this.fenceProposed = false; });
    });
  }

  private highestCounterHeld(): number {
    let highest = 0;
    let cursor = slicePrefix(this.seedHex, this.slice);
    for (;;) {
      const { items, next } = this.scanChunk(cursor, () => true);
      for (const item of items) highest = Math.max(highest, decodeObject(item.record, item.key).stamp.counter);
      if (next === null) return highest;
      cursor = next;
    }
  }

  private inSyncPartner(): string | undefined {
    return this.entry.inSync.find((vn) => vn !== this.vn);
  }

  /** Every other in-sync copy: the secondary, and a migration target once it caught up. */
  inSyncPartners(): string[] {
    return this.entry.inSync.filter((vn) => vn !== this.vn);
  }

  /** The copy being built, if any: a secondary not yet in sync, else a learner not yet in sync. */
  rebuildTarget(): string | undefined {
    const { secondary, learner, inSync } = this.entry;
    if (secondary !== '' && !inSync.includes(secondary)) return secondary;
    if (learner !== undefined && !inSync.includes(learner)) return learner;
    return undefined;
  }

  private syncMark(): Stamp {
    let lowest: Stamp | undefined;
    for (const write of this.pending.values()) if (lowest === undefined || compareStamps(write.stamp, lowest) < 0) lowest = write.stamp;
    if (lowest !== undefined) return { epoch: lowest.epoch, counter: lowest.counter - 1 };
    return { epoch: this.entry.epoch, counter: this.counter };
  }

  metaWrite(): StoreWrite {
    const synced = this.status === 'active' ? this.syncMark() : (this.meta?.synced ?? { epoch: 0, counter: 0 });
    const addProposedEpoch = this.meta?.addProposedEpoch;
    return { key: sliceMetaKey(this.seedHex, this.slice), value: encodeSliceMeta({ reserved: this.reserved, synced, ...(addProposedEpoch === undefined ? {} : { addProposedEpoch }) }) };
  }

  private reserveCounters(then: () => void): void {
    this.waitingForCounter.push(then);
    if (this.reserving) return;
    this.reserving = true;
    const target = this.counter + COUNTER_RESERVATION;
    this.reserved = target;
    this.store().commit([this.metaWrite()], (result) => {
      this.reserving = false;
      if (!result.ok) {
        this.ctx.fatal(`slice meta write failed: ${result.error}`, this.store());
        return;
      }
      const waiting = this.waitingForCounter.splice(0);
      for (const next of waiting) next();
    });
  }

  // ---- role changes ------------------------------------------------------------------------

  /** The controller committed a new entry for this slice (same primary). */
  updateEntry(entry: SliceEntry): void {
    this.entry = entry;
    if (this.rebuild !== undefined && this.rebuild.target !== this.rebuildTarget()) this.rebuild = undefined;
    if (this.reconcile !== undefined && this.inSyncPartner() === undefined) {
      this.reconcile = undefined;
      this.status = 'active';
    }
    this.reduceProposed = false;
    this.secondarySilentSinceMs = undefined;
    if (this.inSyncPartner() === undefined && this.ctx.degradedWritePolicy() === 'refuse') {
      // Refusing single-copy writes includes those in flight: they end without an answer of
      // success (their outcome is unknown to the client, which may retry and be refused).
      for (const [id, write] of this.pending) {
        if (write.acked.size > 0) continue;
        this.pending.delete(id);
        write.reply({ ok: false, code: 'Unavailable', message: `slice ${this.container}/${this.slice} lost its second copy and the degraded-write policy is refuse` });
        this.release(write.key);
      }
    }
    this.checkFence();
    for (const [id, write] of this.pending) this.maybeComplete(id, write);
  }

  /** This VN is no longer primary: everything waiting gets an answer. */
  retire(): void {
    this.status = 'retired';
    for (const write of this.pending.values()) write.reply({ ok: false, code: 'Unavailable', message: 'the primary changed before the write completed; its outcome is unknown' });
    this.pending.clear();
    for (const queue of this.busyKeys.values()) for (const run of queue) run();
    this.busyKeys.clear();
    for (const run of this.waitingForCounter.splice(0)) run();
  }

  // ---- client operations -------------------------------------------------------------------

  private refuse(reply: Reply): boolean {
    if (this.status === 'retired') {
      reply({ ok: false, code: 'StaleEpoch', message: `VN ${this.vn} is no longer primary of slice ${this.slice}` });
      return true;
    }
    if (this.ctx.storeOfVn(this.vn)?.failed?.() === true) {
      // The drive died and the node has not handled it yet: serve nothing from it.
      reply({ ok: false, code: 'Unavailable', message: `the drive of ${this.vn} failed` });
      return true;
    }
    if (this.status === 'activating' || (this.ctx.nowMs() < this.readyAtMs && !this.ctx.canaries.readWithoutLease)) {
      reply({ ok: false, code: 'Unavailable', message: `slice ${this.container}/${this.slice} is activating on ${this.vn}` });
      return true;
    }
    return false;
  }

  private withKey(key: string, reply: Reply, run: () => void): void {
    const queue = this.busyKeys.get(key);
    if (queue === undefined) {
      this.busyKeys.set(key, []);
      run();
      return;
    }
    if (queue.length >= KEY_QUEUE_MAX) {
      reply({ ok: false, code: 'Busy', message: `more than ${KEY_QUEUE_MAX} operations waiting on key ${key}` });
      return;
    }
    queue.push(run);
  }

  private release(key: string): void {
    const queue = this.busyKeys.get(key);
    const next = queue?.shift();
    if (next === undefined) this.busyKeys.delete(key);
    else next();
  }

  private readRecord(key: string): ObjectRecord | undefined {
    const raw = this.store().get(objectKey(this.seedHex, this.slice, key));
    return raw === undefined ? undefined : decodeObject(raw, `${this.container}/${key}`);
  }

  get(key: string, reply: Reply): void {
    if (this.refuse(reply)) return;
    const leaseOk = this.ctx.canaries.readWithoutLease || this.ctx.readLeaseValid();
    if (!leaseOk) {
      reply({ ok: false, code: 'Unavailable', message: `node ${this.ctx.nodeId} holds no valid read lease` });
      return;
    }
    this.withKey(key, reply, () => this.repairThen([key], reply, (read) => {
      try {
        if (this.status !== 'active') {
          this.refuse(reply);
          return;
        }
        const record = read === undefined ? this.readRecord(key) : read[0];
        if (record === undefined || record.deleted) reply({ ok: false, code: 'NotFound', message: `no object ${key}`, currentVersion: record?.version ?? 0 });
        else reply({ ok: true, version: record.version, value: record.value });
      } catch (error) {
        reply({ ok: false, code: 'Internal', message: String(error) });
      } finally {
        this.release(key);
      }
    }));
  }

  write(op: WriteOp, reply: Reply): void {
    if (this.refuse(reply)) return;
    if (this.inSyncPartner() === undefined && this.ctx.degradedWritePolicy() === 'refuse') {
      reply({ ok: false, code: 'Unavailable', message: `slice ${this.container}/${this.slice} has a single copy and the degraded-write policy is refuse` });
      return;
    }
    if (this.pending.size >= SLICE_WRITES_IN_FLIGHT_MAX) {
      reply({ ok: false, code: 'Busy', message: `more than ${SLICE_WRITES_IN_FLIGHT_MAX} writes in flight on slice ${this.slice}` });
      return;
    }
    // The dedup record and the settled mark are repaired too: a rotten one read as absent would
    // apply a retry twice.
    this.withKey(op.key, reply, () => this.repairThen([op.key, dedupKey(op.clientId, op.seq), settledMarkKey(op.clientId)], reply, (read) => this.writeLocked(op, reply, read), [op.key]));
  }

  /** The local records of `keys` (undefined where absent), or undefined when one fails its checksum. */
  private readAll(keys: readonly string[]): Array<ObjectRecord | undefined> | undefined {
    const records: Array<ObjectRecord | undefined> = [];
    try {
      for (const key of keys) records.push(this.readRecord(key));
    } catch {
      return undefined;
    }
    return records;
  }

  private isCorrupt(key: string): boolean {
    try {
      this.readRecord(key);
      return false;
    } catch {
      return true;
    }
  }

  /**
   * Runs `then` once every listed key's local record is readable: a record that fails its
   * checksum is first replaced by the other in-sync copy's (or removed when that copy has none).
   * Without an in-sync copy to ask, or if it is corrupt there too, the operation fails loudly.
   * Called with the key lock held; on failure it answers and releases the key. `then` gets the
   * records it checked when nothing needed repair (read once, not again by the caller), and
   * undefined after a repair (the caller reads them afresh).
   */
  private repairThen(keys: readonly string[], reply: Reply, then: (read: ReadonlyArray<ObjectRecord | undefined> | undefined) => void, locked: readonly string[] = keys): void {
    const read = this.readAll(keys);
    if (read !== undefined) {
      then(read);
      return;
    }
    const corrupt = keys.filter((key) => this.isCorrupt(key));
    this.repair(corrupt, (problem) => {
      if (problem === null) {
        then(undefined);
        return;
      }
      reply({ ok: false, code: problem.startsWith('lost') ? 'Internal' : 'Unavailable', message: problem });
      for (const key of locked) this.release(key);
    });
  }

  /** Replaces corrupt local records of `keys` from the in-sync partner; null when repaired. */
  repair(keys: readonly string[], done: (problem: string | null) => void): void {
    const partner = this.inSyncPartner();
    const node = partner === undefined ? undefined : this.ctx.nodeOfVn(partner);
    if (partner === undefined || node === undefined) {
      done(`lost: ${keys.length} record(s) of slice ${this.container}/${this.slice} failed their checksum and no other in-sync copy exists`);
      return;
    }
    let answered = false;
    const timer = this.ctx.schedule(REPAIR_WAIT_MS, () => {
      if (answered) return;
      answered = true;
      done(`repair of slice ${this.container}/${this.slice} from ${partner}: no answer`);
    });
    this.ctx.sendToReplica(node, (id) => ({ kind: REPL_FETCH, id, container: this.container, slice: this.slice, epoch: this.entry.epoch, fromVn: this.vn, toVn: partner, keys }), (ack) => {
      if (answered) return;
      answered = true;
      this.ctx.cancel(timer);
      if (!ack.ok) {
        done(`repair of slice ${this.container}/${this.slice} refused by ${partner}: ${ack.code}`);
        return;
      }
      const alsoCorrupt = ack.corruptKeys ?? [];
      if (alsoCorrupt.length > 0) {
        done(`lost: ${alsoCorrupt.join(', ')} corrupt on both copies of slice ${this.container}/${this.slice}`);
        return;
      }
      const found = new Map((ack.items ?? []).map((item) => [item.key, item.record]));
      // Only records still corrupt: a write that landed meanwhile is newer than the fetched copy.
      const writes: StoreWrite[] = keys.filter((key) => this.isCorrupt(key)).map((key) => ({ key: objectKey(this.seedHex, this.slice, key), value: found.get(key) ?? null }));
      this.store().commit(writes, (result) => {
        if (!result.ok) {
          this.ctx.fatal(`repair write failed: ${result.error}`, this.store());
          return;
        }
        done(null);
      });
    });
  }


  private writeLocked(op: WriteOp, reply: Reply, read: ReadonlyArray<ObjectRecord | undefined> | undefined): void {
    if (this.status !== 'active') {
      this.refuse(reply);
      this.release(op.key);
      return;
    }
    // Checked again here: the slice may have lost its second copy while this write queued.
    if (this.inSyncPartner() === undefined && this.ctx.degradedWritePolicy() === 'refuse') {
      reply({ ok: false, code: 'Unavailable', message: `slice ${this.container}/${this.slice} has a single copy and the degraded-write policy is refuse` });
      this.release(op.key);
      return;
    }
    let current: ObjectRecord | undefined;
    let earlier: ObjectRecord | undefined;
    let settledMark: number;
    try {
      // Read in the same turn as the checks of repairThen (when it repaired nothing): no write
      // of this slice can land in between, so the records it read are still current.
      current = read === undefined ? this.readRecord(op.key) : read[0];
      // Still corrupt after the repair attempt: refuse rather than risk applying it twice.
      earlier = read === undefined ? this.readRecord(dedupKey(op.clientId, op.seq)) : read[1];
      settledMark = read === undefined ? this.settledMark(op.clientId) : (read[2]?.version ?? 0);
    } catch (error) {
      reply({ ok: false, code: 'Internal', message: String(error) });
      this.release(op.key);
      return;
    }
    if (earlier === undefined && op.seq < settledMark) {
      // A late attempt (queued here, delayed or reordered by the network) of a request whose
      // client already had its final answer: its dedup record may be gone, so it must never
      // be applied now. Nobody waits for this answer.
      reply({ ok: false, code: 'InvalidArgument', message: `write ${op.seq} of client ${op.clientId} is below its settled mark ${settledMark}: it already had its final answer` });
      this.release(op.key);
      return;
    }
    const exists = current !== undefined && !current.deleted;
    const { ifMatch, ifNoneMatch } = op.condition;
    const conditionFailed = (ifMatch !== undefined && (!exists || current?.version !== ifMatch)) || (ifNoneMatch === true && exists);
    const singleCopy = this.inSyncPartners().length === 0;
    if ((earlier !== undefined || conditionFailed || singleCopy) && !this.ctx.canaries.readWithoutLease && !this.ctx.readLeaseValid()) {
      // Answering from local state without replicating is a read: it needs the lease, or a
      // deposed primary could answer from a stale image. So is a single-copy write: no
      // secondary fences it, and only the lease proves this node has applied the controller's
      // latest entries (seed 40000904: a primary restarted with a state that predated a
      // second copy rejoining the in-sync set wrote to itself alone, and the write was lost).
      reply({ ok: false, code: 'Unavailable', message: `node ${this.ctx.nodeId} holds no valid lease${singleCopy ? ' for a single-copy write' : ''}` });
      this.release(op.key);
      return;
    }
    if (earlier !== undefined && !earlier.deleted && (current?.version ?? 0) < earlier.version) {
      // Versions of a key only grow, so the object is older than the write this request made:
      // that write was lost (its only copy rotted before it reached the other one, and the repair
      // went back to the older image). It was never acknowledged; say so loudly rather than
      // answer "ok" for a write nobody can read.
      reply({ ok: false, code: 'Internal', message: `lost: write ${op.seq} of client ${op.clientId} made version ${earlier.version} of ${op.key}, but the object is at version ${current?.version ?? 0}` });
      this.release(op.key);
      return;
    }
    if (earlier !== undefined) {
      // A retry of a request that was already decided: answer as the first attempt did.
      reply(earlier.deleted ? conditionFailure(earlier.version) : { ok: true, version: earlier.version });
      this.release(op.key);
      return;
    }
    const assign = (): void => {
      if (this.status !== 'active') {
        this.refuse(reply);
        this.release(op.key);
        return;
      }
      if (this.counter >= this.reserved) {
        this.reserveCounters(assign);
        return;
      }
      if (this.counter >= this.reserved - COUNTER_RESERVATION / 2 && !this.reserving) this.reserveCounters(() => undefined);
      this.counter++;
      this.startWrite(op, current, conditionFailed, reply);
    };
    assign();
  }

  /** The client's settled mark in this slice (0 when none); throws when its record is corrupt. */
  private settledMark(clientId: string): number {
    return this.readRecord(settledMarkKey(clientId))?.version ?? 0;
  }

  /**
   * Orders a write (or a failed condition) at the next stamp and replicates it. A failed
   * condition is a decision too: its dedup record is made durable on every copy before the
   * client hears PreconditionFailed, so a duplicate or delayed attempt of the same request,
   * here or on a promoted secondary, gets the same answer instead of applying after the client
   * was told it failed (seed 40009065: the network delivered one request twice; the first
   * copy failed its condition, the second found the key deleted meanwhile and wrote).
   */
  private startWrite(op: WriteOp, current: ObjectRecord | undefined, conditionFailed: boolean, reply: Reply): void {
    const stamp: Stamp = { epoch: this.entry.epoch, counter: this.counter };
    const items: ReplItem[] = [];
    let version: number;
    if (conditionFailed) {
      version = current !== undefined && !current.deleted ? current.version : 0;
    } else {
      version = (current?.version ?? 0) + 1;
      const record: ObjectRecord = {
        version,
        stamp,
        deleted: op.type === 'delete',
        value: op.type === 'put' ? op.value : new Uint8Array(0),
        writers: [{ clientId: op.clientId, seq: op.seq, version }],
      };
      items.push({ key: op.key, record: encodeObject(record) });
    }
    // The dedup record travels with the object, atomically: a retry of this request, on this
    // primary or on a promoted secondary, finds it and is answered without a second write.
    // `deleted` marks a failed condition; its version is the one the condition saw (0: absent).
    const dedup: ObjectRecord = { version, stamp, deleted: conditionFailed, value: new TextEncoder().encode(op.key), writers: [] };
    items.push({ key: dedupKey(op.clientId, op.seq), record: encodeObject(dedup) });
    // The client's dedup records below its settledBelow are dropped only in a batch that also
    // raises its settled mark to at least that, on every copy: a late attempt of a dropped
    // request is then refused, never applied a second time. (Marks only grow in stamp order.)
    let mark: number | undefined;
    try {
      mark = Math.max(this.settledMark(op.clientId), op.settledBelow);
    } catch {
      mark = undefined; // rotten: drop nothing this time
    }
    if (mark !== undefined) items.push({ key: settledMarkKey(op.clientId), record: encodeObject({ version: mark, stamp, deleted: false, value: new Uint8Array(0), writers: [] }) });
    const settled = { clientId: op.clientId, below: mark === undefined ? 0 : op.settledBelow };
    const write: PendingWrite = { key: op.key, stamp, items, settled, version, ...(conditionFailed ? { failure: conditionFailure(version) } : {}), reply, localDurable: false, acked: new Set(), sentAtMs: new Map() };
    const id = stamp.counter;
    this.pending.set(id, write);
    const writes: StoreWrite[] = items.map((item) => ({ key: objectKey(this.seedHex, this.slice, item.key), value: item.record }));
    writes.push(...settledDedupDeletes(this.store(), this.seedHex, this.slice, settled), this.metaWrite());
    this.store().commit(writes, (result) => {
      if (!result.ok) {
        this.ctx.fatal(`object write failed: ${result.error}`, this.store());
        return;
      }
      write.localDurable = true;
      this.maybeComplete(id, write);
    });
    this.replicate(id, write);
  }

  /** VNs whose durable copy this write needs before it is acknowledged. */
  private requiredCopies(): string[] {
    const required = this.entry.inSync.filter((vn) => vn !== this.vn);
    const rebuild = this.rebuild;
    if (rebuild !== undefined && rebuild.phase !== 'begin' && !required.includes(rebuild.target)) required.push(rebuild.target);
    return required;
  }

  replicate(id: number, write: PendingWrite): void {
    const nowMs = this.ctx.nowMs();
    for (const vn of this.requiredCopies()) {
      if (write.acked.has(vn)) continue;
      const sentAt = write.sentAtMs.get(vn);
      if (sentAt !== undefined && nowMs - sentAt < REPL_RESEND_MS) continue;
      write.sentAtMs.set(vn, nowMs);
      this.sendItems(vn, write.items, (ack) => {
        if (!ack.ok) return;
        write.acked.add(vn);
        if (this.inSyncPartners().every((partner) => write.acked.has(partner))) this.secondarySilentSinceMs = undefined;
        this.maybeComplete(id, write);
      }, write.settled);
    }
    if (this.ctx.canaries.ackBeforeSecondaryDurable) {
      for (const vn of this.requiredCopies()) write.acked.add(vn);
    }
  }

  sendItems(vn: string, items: readonly ReplItem[], onAck: (ack: ReplAck) => void, settled?: { clientId: string; below: number }): void {
    const node = this.ctx.nodeOfVn(vn);
    if (node === undefined) return;
    const rebuildId = this.rebuild?.target === vn ? this.rebuild.id : undefined;
    this.ctx.sendToReplica(node, (id) => ({
      kind: REPL_WRITE, id, container: this.container, slice: this.slice, epoch: this.entry.epoch, fromVn: this.vn, toVn: vn, items, rebuildId, settled,
    }), onAck);
  }

  maybeComplete(id: number, write: PendingWrite): void {
    if (!this.pending.has(id) || !write.localDurable) return;
    for (const vn of this.requiredCopies()) if (!write.acked.has(vn)) return;
    this.pending.delete(id);
    write.reply(write.failure ?? { ok: true, version: write.version });
    this.release(write.key);
  }

  // ---- periodic work -----------------------------------------------------------------------

  tick(): void {
    if (this.status === 'retired') return;
    const nowMs = this.ctx.nowMs();
    for (const [id, write] of this.pending) this.replicate(id, write);
    this.watchSecondary(this.ctx.responsiveMs());
    this.stepFence();
    stepReconcile(this, nowMs);
    stepRebuild(this, nowMs);
  }

  /**
   * An in-sync copy that stopped answering blocks writes. Once one has been silent for the stall
   * limit, ask the controller to drop it from the in-sync set (a silent migration target is
   * dropped alone; a silent secondary takes a learner with it); writes then complete on the
   * copies left, and the secondary is rebuilt when it answers again. Silence is counted on the
   * node's responsive clock: a primary that was itself paused gives the acks queued meanwhile
   * their chance (dropping a copy later is always safe, never sooner).
   */
  private watchSecondary(responsiveMs: number): void {
    const pending = [...this.pending.values()];
    const silent = this.inSyncPartners().find((vn) => pending.some((w) => !w.acked.has(vn)));
    if (silent === undefined) {
      this.secondarySilentSinceMs = undefined;
      return;
    }
    this.secondarySilentSinceMs ??= responsiveMs;
    if (this.reduceProposed || responsiveMs - this.secondarySilentSinceMs < REBUILD_STALL_MS) return;
    this.reduceProposed = true;
    const epoch = this.entry.epoch;
    const dropLearnerOnly = silent === this.entry.learner;
    const change = dropLearnerOnly
      ? { container: this.container, slice: this.slice, expectedEpoch: epoch, primary: this.vn, secondary: this.entry.secondary, inSync: this.entry.inSync.filter((vn) => vn !== silent), reason: `migration: learner ${silent} unreachable from primary ${this.vn}` }
      : { container: this.container, slice: this.slice, expectedEpoch: epoch, primary: this.vn, secondary: this.entry.secondary, inSync: [this.vn], reason: `secondary ${silent} unreachable from primary ${this.vn}` };
    this.ctx.propose({ type: 'slices.reconfigure', actor: 'system', timeMs: this.ctx.wallMs(), changes: [change] }, (result) => {
      if (!result.ok && this.entry.epoch === epoch) this.ctx.schedule(RETRY_BACKOFF_MS, () => { this.reduceProposed = false; });
    });
  }

  /** Up to a chunk of records from `cursor` on, filtered; `next` is null at the end of the slice. */
  scanChunk(cursor: string, keep: (record: ObjectRecord) => boolean): { items: ReplItem[]; next: string | null } {
    return scanSliceChunk(this.store(), this.seedHex, this.slice, cursor, keep);
  }

  /** Operator view of the slice's replication work. */
  progress(): { readonly pendingWrites: number; readonly rebuilding: string | null; readonly phase: string } {
    return { pendingWrites: this.pending.size, rebuilding: this.rebuild?.target ?? null, phase: this.rebuild?.phase ?? this.status };
  }
}
