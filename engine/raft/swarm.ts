// The Raft swarm: one seed builds a cluster of 3, 5 or 7 Raft nodes over a faulty network
// (drop, duplicate, delay, reorder, partitions including one-way ones) with crashes and restarts
// that lose everything not yet persisted, membership changes and leadership transfers, drives it
// with client proposals, and checks the Raft
// safety properties after every event. A heal phase then demands liveness: a leader and a newly
// committed entry within a bound. Pure: time is virtual and all randomness comes from the seed.

import { EventQueue } from '../sim/event-queue';
import { SeededRandom } from '../sim/prng';
import { RaftNode, type RaftReady, type RaftTestFaults } from './raft';
import type { Entry, HardState, Message, Snapshot } from './types';

export interface SwarmOptions {
  readonly faults?: RaftTestFaults;
  /** Virtual milliseconds of the fault phase. */
  readonly faultPhaseMs?: number;
  /** Virtual milliseconds the healed cluster has to elect a leader and commit. */
  readonly healBoundMs?: number;
}

export interface SwarmResult {
  readonly seed: number;
  readonly nodes: number;
  readonly violation: string | null;
  /**
   * What the violation broke: `safety` (an invariant checked after every event: one leader per
   * term, same entry at each index, leader completeness, monotonic term and vote, log matching)
   * or `liveness` (no commit within the heal bound). Planted bugs count only on `safety`.
   */
  readonly violationKind: 'safety' | 'liveness' | null;
  readonly events: number;
  readonly committed: number;
  readonly leadersElected: number;
  /** Membership changes that committed (applied somewhere). */
  readonly confChanges: number;
}

const TICK_MS = 10;
/** The fault phase acts (propose, crash, restart, partition, heal) every this many ms. */
const FAULT_STEP_MS = 20;
const ELECTION_TICKS = 10;
/** Log length at which a node compacts (so snapshots are exercised). */
const COMPACT_EVERY_ENTRIES = 40;
/** Full log-matching checks run every this many events (they cost O(nodes² × log)). */
const FULL_CHECK_EVERY_EVENTS = 25;

interface Durable {
  hardState: HardState;
  snapshot: Snapshot;
  entries: Entry[];
}

interface SimNode {
  readonly id: string;
  raft: RaftNode | null;
  incarnation: number;
  readonly durable: Durable;
  /** Highest (term, vote) this node ever made durable: must never go backwards. */
  seenTerm: number;
  seenVotes: Map<number, string>;
}

class Violation extends Error {
  constructor(message: string, readonly kind: 'safety' | 'liveness') {
    super(message);
  }
}

export function runSwarmSeed(seed: number, options: SwarmOptions = {}): SwarmResult {
  const random = new SeededRandom(seed);
  const queue = new EventQueue();
  const nodeCount = [3, 3, 5, 5, 7][random.nextInt(5)]!;
  const ids = Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);
  const nodes = new Map<string, SimNode>();
  const cut = new Set<string>();
  let dropProbability = random.nextFloat() * 0.2;
  const duplicateProbability = random.nextFloat() * 0.1;
  const maxDelayMs = 1 + random.nextFloat() * 60;
  // Seeds differ in how violent they are: some crash a node every few steps.
  const crashProbability = 0.03 + random.nextFloat() * 0.17;
  // Small appends split a new leader's catch-up into several messages, the window in which
  // committing an older term's entries by counting replicas goes wrong (Raft paper, Figure 8).
  const maxEntriesPerAppend = [1, 2, 4, 64][random.nextInt(4)]!;
  const faultPhaseMs = options.faultPhaseMs ?? 3_000;
  const healBoundMs = options.healBoundMs ?? 6_000;

  // Global knowledge for the checks.
  const leaderOfTerm = new Map<number, string>();
  const appliedAt = new Map<number, string>();
  let maxCommitted = 0;
  let leadersElected = 0;
  const confIndexes = new Set<number>();
  let events = 0;
  let proposals = 0;

  const entryKey = (e: Entry): string => `${e.term}:${e.conf !== undefined ? `${e.conf.type}:${e.conf.nodeId}` : e.data === null ? '-' : Array.from(e.data).join('.')}`;

  function fail(message: string, kind: 'safety' | 'liveness' = 'safety'): never {
    throw new Violation(message, kind);
  }

  function boot(node: SimNode): void {
    node.incarnation++;
    const nodeRandom = random.fork();
    node.raft = new RaftNode({
      id: node.id, voters: ids, electionTicks: ELECTION_TICKS, heartbeatTicks: 1, random: nodeRandom, preVote: true, checkQuorum: true, maxEntriesPerAppend,
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    }, { hardState: node.durable.hardState, snapshot: node.durable.snapshot, entries: node.durable.entries.slice() });
    const incarnation = node.incarnation;
    const tick = (): void => {
      if (node.raft === null || node.incarnation !== incarnation) return;
      node.raft.tick();
      drain(node);
      queue.schedule(queue.nowMs() + TICK_MS * (0.9 + nodeRandom.nextFloat() * 0.2), tick);
    };
    queue.schedule(queue.nowMs() + nodeRandom.nextFloat() * TICK_MS, tick);
  }

  function persist(node: SimNode, rd: RaftReady): void {
    const d = node.durable;
    if (rd.snapshot !== null) {
      d.snapshot = rd.snapshot;
      d.entries = [];
    }
    if (rd.truncateFrom !== null) d.entries = d.entries.filter((e) => e.index < rd.truncateFrom!);
    for (const e of rd.entries) {
      const at = e.index - d.snapshot.index - 1;
      if (at < 0) continue;
      d.entries.length = Math.min(d.entries.length, at);
      d.entries.push(e);
    }
    if (rd.hardState !== null) d.hardState = rd.hardState;
    // Invariant: term and vote never go backwards on a node, across restarts too.
    const hs = d.hardState;
    if (hs.term < node.seenTerm) fail(`${node.id}: durable term went back from ${node.seenTerm} to ${hs.term}`);
    node.seenTerm = hs.term;
    if (hs.vote !== null) {
      const earlier = node.seenVotes.get(hs.term);
      if (earlier !== undefined && earlier !== hs.vote) fail(`${node.id}: voted for ${earlier} and then ${hs.vote} in term ${hs.term}`);
      node.seenVotes.set(hs.term, hs.vote);
    }
  }

  function drain(node: SimNode): void {
    const raft = node.raft;
    if (raft === null) return;
    while (raft.hasReady()) {
      const rd = raft.ready();
      persist(node, rd);
      for (const m of rd.messages) send(m);
      for (const e of rd.committed) {
        // State machine safety: every node applies the same entry at each index.
        const key = entryKey(e);
        const earlier = appliedAt.get(e.index);
        if (earlier !== undefined && earlier !== key) fail(`${node.id} applied ${key} at index ${e.index}, another node applied ${earlier}`);
        appliedAt.set(e.index, key);
        if (e.conf !== undefined) confIndexes.add(e.index);
        maxCommitted = Math.max(maxCommitted, e.index);
      }
      raft.advance(rd);
      if (raft.log.applied - raft.log.snapshot.index > COMPACT_EVERY_ENTRIES) {
        raft.compact(raft.log.applied, new Uint8Array([raft.log.applied & 0xff]));
        node.durable.snapshot = raft.log.snapshot;
        node.durable.entries = node.durable.entries.filter((e) => e.index > raft.log.snapshot.index);
      }
    }
    checkLeader(node);
    events++;
    if (events % FULL_CHECK_EVERY_EVENTS === 0) checkLogs();
  }

  function checkLeader(node: SimNode): void {
    const raft = node.raft;
    if (raft === null || raft.role !== 'leader') return;
    const earlier = leaderOfTerm.get(raft.term);
    if (earlier === undefined) {
      leaderOfTerm.set(raft.term, node.id);
      leadersElected++;
      // Leader completeness: a new leader holds every committed entry.
      for (const [index, key] of appliedAt) {
        if (index <= raft.log.snapshot.index) continue;
        const term = raft.log.term(index);
        if (term === undefined || `${term}` !== key.split(':')[0]) fail(`leader ${node.id} of term ${raft.term} lacks committed entry ${index} (${key})`);
      }
    } else if (earlier !== node.id) {
      fail(`two leaders in term ${raft.term}: ${earlier} and ${node.id}`);
    }
  }

  /** Log matching: two logs with an entry of the same term at an index agree on everything before it. */
  function checkLogs(): void {
    const live = [...nodes.values()].filter((n) => n.raft !== null).map((n) => n.raft!);
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i]!.log;
        const b = live[j]!.log;
        const lo = Math.max(a.snapshot.index, b.snapshot.index) + 1;
        const hi = Math.min(a.lastIndex(), b.lastIndex());
        let matchedAt = 0;
        for (let k = hi; k >= lo; k--) if (a.term(k) === b.term(k)) { matchedAt = k; break; }
        for (let k = lo; k <= matchedAt; k++) if (a.term(k) !== b.term(k)) fail(`log matching broken between ${live[i]!.id} and ${live[j]!.id} at ${k}`);
      }
    }
  }

  function send(m: Message): void {
    if (random.nextFloat() < dropProbability) return;
    const copies = random.nextFloat() < duplicateProbability ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      queue.schedule(queue.nowMs() + 0.1 + random.nextFloat() * maxDelayMs, () => {
        if (cut.has(`${m.from}>${m.to}`)) return;
        const target = nodes.get(m.to);
        if (target?.raft == null) return;
        target.raft.step(m);
        drain(target);
      });
    }
  }

  function propose(): void {
    for (const node of nodes.values()) {
      if (node.raft?.role === 'leader') {
        proposals++;
        node.raft.propose(new Uint8Array([proposals & 0xff, (proposals >> 8) & 0xff]));
        drain(node);
        return;
      }
    }
  }

  for (const id of ids) {
    const node: SimNode = { id, raft: null, incarnation: 0, durable: { hardState: { term: 0, vote: null, commit: 0 }, snapshot: { index: 0, term: 0, data: new Uint8Array(0) }, entries: [] }, seenTerm: 0, seenVotes: new Map() };
    nodes.set(id, node);
    boot(node);
  }

  try {
    // Fault phase: proposals, crashes, restarts and partitions at random moments.
    for (let t = 0; t < faultPhaseMs; t += FAULT_STEP_MS) {
      queue.runUntil(t);
      const roll = random.nextFloat();
      if (roll < 0.45) propose();
      else if (roll < 0.45 + crashProbability) {
        // Half the crashes hit the leader: elections are where Raft's hard cases live.
        const leader = [...nodes.values()].find((n) => n.raft?.role === 'leader');
        const victim = leader !== undefined && random.nextFloat() < 0.5 ? leader : nodes.get(ids[random.nextInt(ids.length)]!)!;
        if (victim.raft !== null) victim.raft = null;
        else boot(victim);
      } else if (roll < 0.6 + crashProbability) {
        cut.clear();
        const side = new Set(ids.filter(() => random.nextFloat() < 0.5));
        const oneWay = random.nextFloat() < 0.3;
        for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b) && (!oneWay || side.has(a))) cut.add(`${a}>${b}`);
      } else if (roll < 0.66 + crashProbability) {
        cut.clear();
      } else if (roll < 0.72 + crashProbability) {
        // Membership churn: the leader removes a voter (keeping at least 3), adds a non-voter
        // back, or hands leadership to another voter.
        const leader = [...nodes.values()].find((n) => n.raft?.role === 'leader')?.raft ?? null;
        if (leader !== null) {
          const voters = leader.status().voters;
          const others = voters.filter((v) => v !== leader.id);
          const outside = ids.filter((id) => !voters.includes(id));
          const action = random.nextInt(3);
          if (action === 0 && voters.length > 3) leader.proposeConfChange({ type: 'remove-voter', nodeId: others[random.nextInt(others.length)]! });
          else if (action <= 1 && outside.length > 0) leader.proposeConfChange({ type: 'add-voter', nodeId: outside[random.nextInt(outside.length)]! });
          else if (others.length > 0) leader.transferLeadership(others[random.nextInt(others.length)]!);
          drain(nodes.get(leader.id)!);
        }
      } else if (roll < 0.78 + crashProbability) {
        // Restart a crashed node, so the cluster keeps a quorum often enough to make progress.
        const down = [...nodes.values()].filter((n) => n.raft === null);
        const back = down[random.nextInt(Math.max(1, down.length))];
        if (back !== undefined) boot(back);
      }
    }
    // Heal: everyone up, network whole and reliable again; a leader must emerge and commit.
    cut.clear();
    dropProbability = 0;
    for (const node of nodes.values()) if (node.raft === null) boot(node);
    const healStart = queue.nowMs();
    const committedBefore = maxCommitted;
    let healedAt: number | null = null;
    for (let t = healStart; t < healStart + healBoundMs && healedAt === null; t += 20) {
      queue.runUntil(t);
      propose();
      if (maxCommitted > committedBefore) healedAt = t;
    }
    if (healedAt === null) fail(`no entry committed within ${healBoundMs} ms after healing`, 'liveness');
    checkLogs();
    return { seed, nodes: nodeCount, violation: null, violationKind: null, events, committed: maxCommitted, leadersElected, confChanges: confIndexes.size };
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    return { seed, nodes: nodeCount, violation: error.message, violationKind: error.kind, events, committed: maxCommitted, leadersElected, confChanges: confIndexes.size };
  }
}
