import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../sim/event-queue';
import { SeededRandom } from '../sim/prng';
import { SimStore } from '../sim/sim-store';
import { CorruptRecordError, encodeRecord } from '../codec/json-bytes';
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
