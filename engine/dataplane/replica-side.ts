// The secondary side of replication on one node: replicated writes merged by stamp, a rebuild's
// wipe before its copy, and the records another copy fetches (repair, restart reconciliation).
// Every message is checked against the committed slice entry first (epoch, roles, in-sync set).

import type { ControllerState, SliceEntry } from '../controller/state';
import type { DurableStore } from '../runtime/runtime';
import { compareStamps, decodeObject } from './object-record';
import { REPL_ACK, type ReplBegin, type ReplFetch, type ReplItem, type ReplWrite } from './messages';
import type { DataPlaneCanaries } from './replica-context';
import { mergeItemWrites, scanSliceChunk, settledDedupDeletes } from './slice-store';
import { objectKey, prefixEnd, slicePrefix } from './store-keys';

/** What the secondary side needs from its node. */
export interface ReplicaSideDeps {
  state(): ControllerState | undefined;
  storeOfVn(vn: string): DurableStore | undefined;
  /** The VN is on this node and its drive is in service. */
  usable(vn: string): boolean;
  sendTo(nodeId: string, message: unknown): void;
  commitFailed(reason: string, store: DurableStore): void;
  readonly canaries: DataPlaneCanaries;
}

interface RebuildWipe {
  readonly rebuildId: string;
}

export class ReplicaSide {
  private readonly wiped = new Map<string, RebuildWipe>();

  constructor(private readonly deps: ReplicaSideDeps) {}

  /** The committed entry for a replication message, or why it must be refused. */
  private checkReplica(message: ReplWrite | ReplBegin): { entry: SliceEntry; seedHex: string; store: DurableStore } | string {
    const container = this.deps.state()?.containers[message.container];
    const entry = container?.slices[message.slice];
    const store = this.deps.storeOfVn(message.toVn);
    if (container === undefined || entry === undefined || store === undefined || !this.deps.usable(message.toVn)) return 'NoSlice';
    if (!this.deps.canaries.skipEpochCheck) {
      if (message.epoch > entry.epoch) return 'Behind';
      if (message.epoch < entry.epoch) return 'StaleEpoch';
      if (entry.primary !== message.fromVn || (entry.secondary !== message.toVn && entry.learner !== message.toVn)) return 'NotSecondary';
    }
    return { entry, seedHex: container.seedHex, store };
  }

  private ack(to: string, id: number, ok: boolean, code: string): void {
    this.deps.sendTo(to, { kind: REPL_ACK, id, ok, code });
  }

  onReplWrite(from: string, message: ReplWrite): void {
    const checked = this.checkReplica(message);
    if (typeof checked === 'string') {
      this.ack(from, message.id, false, checked);
      return;
    }
    const { entry, seedHex, store } = checked;
    const sliceKey = `${seedHex}/${message.slice}`;
    if (!entry.inSync.includes(message.toVn) && !this.deps.canaries.skipEpochCheck) {
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
        this.deps.commitFailed(`replica write failed: ${result.error}`, store);
        return;
      }
      this.ack(from, message.id, true, 'ok');
    });
  }

  /** The other copy asks for records to repair corrupt ones (either direction, same epoch). */
  onReplFetch(from: string, message: ReplFetch): void {
    const container = this.deps.state()?.containers[message.container];
    const entry = container?.slices[message.slice];
    const store = this.deps.storeOfVn(message.toVn);
    if (container === undefined || entry === undefined || store === undefined || !this.deps.usable(message.toVn)) {
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
      this.deps.sendTo(from, { kind: REPL_ACK, id: message.id, ok: true, code: 'ok', items, ...(next === null ? {} : { next: next.slice(prefix.length) }) });
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
    this.deps.sendTo(from, { kind: REPL_ACK, id: message.id, ok: true, code: 'ok', items, corruptKeys });
  }

  onReplBegin(from: string, message: ReplBegin): void {
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
        this.deps.commitFailed(`replica wipe failed: ${result.error}`, store);
        return;
      }
      this.ack(from, message.id, true, 'ok');
    });
  }
}
