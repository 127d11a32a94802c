// The fence of a restarted primary (seed 90000419): a primary whose slice meta says it proposed
// an in-sync add at the current epoch, with the copy still out of sync, neither serves nor wipes
// the copy until the epoch has moved on, by its fence (an unchanged entry) or by the old add.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControllerCommand, SliceChange } from '../controller/commands';
import type { SliceEntry } from '../controller/state';
import type { CommitResult, DurableStore, StoreWrite } from '../runtime/runtime';
import type { DataResult, ReplAck } from './messages';
import { REPL_BEGIN, REPL_FETCH } from './messages';
import { PrimarySlice } from './primary-slice';
import { NO_CANARIES, type ReplicaContext } from './replica-context';
import { decodeSliceMeta, encodeSliceMeta } from './slice-meta';
import { sliceMetaKey } from './store-keys';

const SEED_HEX = '0123456789abcdef';
const SLICE = 3;

/** A store whose commits are durable at once. */
class MemoryStore implements DurableStore {
  readonly rows = new Map<string, Uint8Array>();
  get(key: string): Uint8Array | undefined {
    return this.rows.get(key);
  }
  scan(range: { readonly startKey: string; readonly endKey: string; readonly limit: number }): Array<readonly [string, Uint8Array]> {
    return [...this.rows].filter(([key]) => key >= range.startKey && key < range.endKey).sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, range.limit);
  }
  commit(writes: readonly StoreWrite[], onDurable: (result: CommitResult) => void): void {
    for (const write of writes) {
      if (write.value === null) this.rows.delete(write.key);
      else this.rows.set(write.key, write.value);
    }
    onDurable({ ok: true });
  }
  bytesWritten(): number {
    return 0;
  }
}

interface Harness {
  readonly store: MemoryStore;
  readonly proposals: ControllerCommand[];
  readonly sent: Array<{ readonly kind: string; readonly epoch: number }>;
  readonly acks: Array<(ack: ReplAck) => void>;
  readonly ctx: ReplicaContext;
}

function harness(): Harness {
  const store = new MemoryStore();
  const proposals: ControllerCommand[] = [];
  const sent: Array<{ kind: string; epoch: number }> = [];
  const acks: Array<(ack: ReplAck) => void> = [];
  let id = 1;
  const ctx: ReplicaContext = {
    nodeId: 'node-1',
    nowMs: () => 10_000,
    responsiveMs: () => 10_000,
    wallMs: () => 10_000,
    schedule: () => 0,
    cancel: () => undefined,
    nodeOfVn: (vn) => vn.split('/')[0],
    storeOfVn: (vn) => (vn === 'node-1/vn-0' ? store : undefined),
    sendToReplica: (_node: string, build: (id: number) => unknown, onAck: (ack: ReplAck) => void) => {
      const message = build(id++) as { kind: string; epoch: number };
      sent.push({ kind: message.kind, epoch: message.epoch });
      acks.push(onAck);
    },
    readLeaseValid: () => true,
    degradedWritePolicy: () => 'accept',
    takeCopyBudget: () => true,
    promotionWaitMs: () => 0,
    propose: (command) => {
      proposals.push(command);
    },
    fatal: (reason) => assert.fail(reason),
    canaries: NO_CANARIES,
  };
  return { store, proposals, sent, acks, ctx };
}

const DEGRADED: SliceEntry = { primary: 'node-1/vn-0', secondary: 'node-2/vn-0', epoch: 3, inSync: ['node-1/vn-0'] };

/** A primary restarted at epoch 3 whose earlier run proposed adding its secondary at epoch 3. */
function restartedWithAddInFlight(h: Harness): PrimarySlice {
  h.store.rows.set(sliceMetaKey(SEED_HEX, SLICE), encodeSliceMeta({ reserved: 4096, synced: { epoch: 3, counter: 10 }, addProposedEpoch: 3 }));
  return new PrimarySlice(h.ctx, 'default', SEED_HEX, SLICE, 'node-1/vn-0', DEGRADED);
}

function fenceChanges(h: Harness): SliceChange[] {
  return h.proposals.flatMap((command) => (command.type === 'slices.reconfigure' ? [...command.changes] : []));
}

function readAnswer(slice: PrimarySlice): DataResult | undefined {
  let answer: DataResult | undefined;
  slice.get('k0', (result) => { answer = result; });
  return answer;
}

test('a restarted primary with an in-sync add maybe in flight proposes a fence and neither serves nor wipes', () => {
  const h = harness();
  const slice = restartedWithAddInFlight(h);
  slice.tick();
  assert.equal(slice.status, 'activating');
  assert.deepEqual(h.sent.filter((m) => m.kind === REPL_BEGIN), [], 'no wipe of the copy the old add vouches for');
  assert.equal(readAnswer(slice)?.ok, false, 'nothing served while fenced');
  const changes = fenceChanges(h);
  assert.equal(changes.length, 1);
  assert.deepEqual({ ...changes[0], reason: '' }, { container: 'default', slice: SLICE, expectedEpoch: 3, primary: DEGRADED.primary, secondary: DEGRADED.secondary, inSync: [...DEGRADED.inSync], reason: '' });
});

test('the fence committed first: the copy is rebuilt at the new epoch', () => {
  const h = harness();
  const slice = restartedWithAddInFlight(h);
  slice.tick();
  slice.updateEntry({ ...DEGRADED, epoch: 4 });
  assert.equal(slice.status, 'active');
  slice.tick();
  assert.deepEqual(h.sent.filter((m) => m.kind === REPL_BEGIN), [{ kind: REPL_BEGIN, epoch: 4 }]);
});

test('the old add committed first: the untouched copy is reconciled, never wiped', () => {
  const h = harness();
  const slice = restartedWithAddInFlight(h);
  slice.tick();
  slice.updateEntry({ ...DEGRADED, epoch: 4, inSync: [DEGRADED.primary, DEGRADED.secondary] });
  slice.tick();
  assert.equal(slice.status, 'activating', 'serves only after the reconciliation with the copy');
  assert.deepEqual(h.sent.map((m) => m.kind), [REPL_FETCH]);
});

test('a primary records the epoch of its in-sync add durably before proposing it; a later run at that epoch fences', () => {
  const h = harness();
  const slice = new PrimarySlice(h.ctx, 'default', SEED_HEX, SLICE, 'node-1/vn-0', DEGRADED);
  slice.tick();
  assert.equal(slice.status, 'active');
  assert.deepEqual(h.sent.map((m) => m.kind), [REPL_BEGIN], 'no earlier add: the rebuild begins at once');
  const meta = (): number | undefined => decodeSliceMeta(h.store.get(sliceMetaKey(SEED_HEX, SLICE)) ?? new Uint8Array()).addProposedEpoch;
  assert.equal(meta(), undefined);
  h.acks[0]?.({ kind: 'repl.ack', id: 1, ok: true, code: 'ok' });
  slice.tick(); // the copy (an empty slice), then the add
  const adds = fenceChanges(h);
  assert.equal(adds.length, 1);
  assert.deepEqual(adds[0]?.inSync, [DEGRADED.primary, DEGRADED.secondary]);
  assert.equal(meta(), 3, 'the marker is durable before the add is proposed');
  // The same run does not fence its own add; a restarted run at epoch 3 does.
  assert.equal(slice.status, 'active');
  const restarted = new PrimarySlice(h.ctx, 'default', SEED_HEX, SLICE, 'node-1/vn-0', DEGRADED);
  restarted.tick();
  assert.equal(restarted.status, 'activating');
  assert.equal(fenceChanges(h).length, 2);
  assert.equal(fenceChanges(h)[1]?.expectedEpoch, 3);
});
