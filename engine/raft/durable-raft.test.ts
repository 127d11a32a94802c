import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../sim/event-queue';
import { SeededRandom } from '../sim/prng';
import { SimStore } from '../sim/sim-store';
import { CorruptRecordError, encodeRecord } from '../codec/json-bytes';
import type { DurableStore } from '../runtime/runtime';
import { DurableRaft, recoverRaftState } from './durable-raft';

function singleNode(store: SimStore): DurableRaft {
  return new DurableRaft(store, { id: 'n1', voters: ['n1'], electionTicks: 10, heartbeatTicks: 1, random: new SeededRandom(1) });
}

/** Drives one node until idle: tick, persist each Ready, advance. */
function pump(raft: DurableRaft, queue: EventQueue, ticks: number): void {
  for (let i = 0; i < ticks; i++) {
    raft.tick();
    for (let batch = raft.ready(); batch !== null; batch = raft.ready()) {
      let done = false;
      batch.persist((error) => { assert.equal(error, null); done = true; });
      queue.runUntil(queue.nowMs() + 10);
      assert.ok(done);
      raft.advance();
    }
  }
}

test('a node recovers its term, vote, log and commit from the store after a restart', () => {
  const queue = new EventQueue();
  const store = new SimStore(queue, new SeededRandom(2));
  const raft = singleNode(store);
  pump(raft, queue, 30);
  assert.equal(raft.status().role, 'leader');
  for (const text of ['a', 'b', 'c']) raft.propose(new TextEncoder().encode(text));
  pump(raft, queue, 2);
  const before = raft.status();
  store.crash();
  const recovered = recoverRaftState(store);
  assert.equal(recovered.hardState.term, before.term);
  assert.equal(recovered.hardState.vote, 'n1');
  assert.equal(recovered.entries.length, before.lastIndex);
  assert.equal(new TextDecoder().decode(recovered.entries[3]!.data!), 'c');
  assert.equal(singleNode(store).status().commitIndex, before.commitIndex);
});

test('a torn tail (an unsynced batch cut short by a crash) is dropped; committed entries are kept', () => {
  let tornSeen = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const queue = new EventQueue();
    const store = new SimStore(queue, new SeededRandom(seed), { fsyncErrorProbability: 0, tornWriteProbability: 1, fsyncMinMs: 5, fsyncMaxMs: 6 });
    const raft = singleNode(store);
    pump(raft, queue, 30);
    const committed = raft.status().commitIndex;
    // Proposals whose batch is still in flight when the power goes.
    raft.propose(new TextEncoder().encode('x'.repeat(50)));
    const batch = raft.ready();
    batch?.persist(() => undefined);
    store.crash();
    tornSeen += store.tornWrites;
    const recovered = recoverRaftState(store);
    assert.ok(recovered.entries.length >= committed, `seed ${seed}: committed entries survive`);
    for (const entry of recovered.entries) assert.ok(entry.data === null || new TextDecoder().decode(entry.data) === 'x'.repeat(50));
  }
  assert.ok(tornSeen > 0, 'the torn-write fault fired');
});

test('a damaged hard state or a log shorter than the commit index is refused, not trusted', () => {
  const queue = new EventQueue();
  const store = new SimStore(queue, new SeededRandom(3));
  store.commit([{ key: 'raft/hs/1', value: encodeRecord({ term: 3, vote: 'n1', commit: 5, seq: 1 }) }], () => undefined);
  queue.runUntil(10);
  assert.throws(() => recoverRaftState(store), (e: unknown) => e instanceof CorruptRecordError && /log ends at 0 but 5 was committed/.test(e.message));
  // One torn slot falls back to the other; both torn is refused.
  store.commit([{ key: 'raft/hs/0', value: encodeRecord({ term: 4, vote: 'n2', commit: 0, seq: 2 }).slice(0, 10) }, { key: 'raft/hs/1', value: encodeRecord({ term: 3, vote: 'n1', commit: 0, seq: 1 }) }], () => undefined);
  queue.runUntil(20);
  assert.deepEqual(recoverRaftState(store).hardState, { term: 3, vote: 'n1', commit: 0 });
  store.commit([{ key: 'raft/hs/1', value: encodeRecord({ term: 3, vote: 'n1', commit: 0, seq: 1 }).slice(0, 7) }], () => undefined);
  queue.runUntil(30);
  assert.throws(() => recoverRaftState(store), /every slot is damaged/);
});

test('the very first hard state torn by a crash (slot 0 never written) recovers the initial state', () => {
  const queue = new EventQueue();
  // Seed 20008592 of the cluster swarm: a learner's first hard state (seq 1, slot 1) failed its
  // fsync, the node fail-stopped and the restart's crash tore that write; slot 0 did not exist.
  const store = new SimStore(queue, new SeededRandom(4));
  store.commit([{ key: 'raft/hs/1', value: encodeRecord({ term: 1, vote: null, commit: 0, seq: 1 }).slice(0, 9) }], () => undefined);
  queue.runUntil(10);
  assert.deepEqual(recoverRaftState(store).hardState, { term: 0, vote: null, commit: 0 });
  // The next hard state goes to slot 1 again, over the torn record, leaving slot 0 unwritten.
  const raft = singleNode(store);
  pump(raft, queue, 30);
  assert.equal(raft.status().role, 'leader');
  assert.equal(store.get('raft/hs/0') === undefined, false, 'several hard states were written');
  store.crash();
  assert.equal(recoverRaftState(store).hardState.term, raft.status().term);
  // Slot 0 damaged without a slot 1 cannot come from a crash: refused.
  const other = new SimStore(queue, new SeededRandom(5));
  other.commit([{ key: 'raft/hs/0', value: encodeRecord({ term: 2, vote: 'n1', commit: 0, seq: 2 }).slice(0, 9) }], () => undefined);
  queue.runUntil(queue.nowMs() + 10);
  assert.throws(() => recoverRaftState(other), (e: unknown) => e instanceof CorruptRecordError && /every slot is damaged/.test(e.message));
});

test('a hard state whose write failed is written again to the same slot: the durable slot is kept', () => {
  const queue = new EventQueue();
  const inner = new SimStore(queue, new SeededRandom(6));
  // A store that fails the commits we ask it to, and records which hard-state slot each wrote.
  let failNext = false;
  const slotsWritten: string[] = [];
  const store: DurableStore = {
    get: (key) => inner.get(key),
    scan: (range) => inner.scan(range),
    bytesWritten: () => inner.bytesWritten(),
    commit: (writes, onDurable) => {
      for (const w of writes) if (w.key.startsWith('raft/hs/')) slotsWritten.push(w.key);
      const fail = failNext;
      failNext = false;
      inner.commit(writes, (result) => onDurable(fail ? { ok: false, error: 'injected fsync error' } : result));
    },
  };
  const raft = new DurableRaft(store, { id: 'n1', voters: ['n1'], electionTicks: 10, heartbeatTicks: 1, random: new SeededRandom(1) });
  const persistNext = (): string | null | undefined => {
    let error: string | null | undefined;
    raft.ready()?.persist((e) => { error = e; });
    queue.runUntil(queue.nowMs() + 10);
    raft.advance();
    return error;
  };
  for (let i = 0; i < 30 && raft.status().role !== 'leader'; i++) { raft.tick(); while (raft.node.hasReady()) persistNext(); }
  assert.equal(raft.status().role, 'leader');
  const durableSlot = slotsWritten[slotsWritten.length - 1];
  // A proposal: its entry is persisted, then the commit advances, a hard-state write whose fsync fails.
  raft.propose(new TextEncoder().encode('a'));
  persistNext();
  const written = slotsWritten.length;
  failNext = true;
  assert.equal(persistNext(), 'injected fsync error');
  assert.equal(slotsWritten.length, written + 1, 'the failed batch wrote a hard state');
  const failedSlot = slotsWritten[written];
  assert.notEqual(failedSlot, durableSlot);
  // Were the replica to go on, its next hard state must not overwrite the last durable one.
  raft.propose(new TextEncoder().encode('b'));
  while (raft.node.hasReady() && slotsWritten.length === written + 1) persistNext();
  assert.equal(slotsWritten[written + 1], failedSlot);
});
