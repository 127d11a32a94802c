// A small interaction harness for Raft, in the style of etcd-io/raft's datadriven tests: named
// nodes, a mailbox of messages delivered only when the script says so, crash and restart from
// what was persisted, and a status dump. Scripts live in testdata/*.txt with expected output.

import { SeededRandom } from '../sim/prng';
import { RaftNode } from './raft';
import type { Entry, HardState, Message, Snapshot } from './types';

interface Durable {
  hardState: HardState;
  snapshot: Snapshot;
  entries: Entry[];
}

export class RaftInteraction {
  private readonly nodes = new Map<string, RaftNode | null>();
  private readonly durable = new Map<string, Durable>();
  private mailbox: Message[] = [];
  private readonly isolated = new Set<string>();
  private ids: string[] = [];
  private readonly random = new SeededRandom(1);

  run(command: string, args: string[]): string {
    switch (command) {
      case 'add-nodes': {
        const count = Number(args[0]);
        this.ids = Array.from({ length: count }, (_, i) => `${i + 1}`);
        for (const id of this.ids) {
          this.durable.set(id, { hardState: { term: 0, vote: null, commit: 0 }, snapshot: { index: 0, term: 0, data: new Uint8Array(0) }, entries: [] });
          this.boot(id);
        }
        return `${count} nodes`;
      }
      case 'add-node': {
        // A new, empty node that knows the current voters (it is not one of them yet).
        const id = args[0]!;
        const voters = this.ids.slice();
        this.ids.push(id);
        this.durable.set(id, { hardState: { term: 0, vote: null, commit: 0 }, snapshot: { index: 0, term: 0, data: new Uint8Array(0) }, entries: [] });
        this.nodes.set(id, new RaftNode({ id, voters, electionTicks: 10, heartbeatTicks: 1, random: this.random.fork(), preVote: true, checkQuorum: true },
          { hardState: this.durable.get(id)!.hardState, snapshot: this.durable.get(id)!.snapshot, entries: [] }));
        return `${id} added (not a voter)`;
      }
      case 'add-voter':
      case 'remove-voter': {
        const refused = this.node(args[0]!).proposeConfChange({ type: command, nodeId: args[1]! });
        return `${refused ?? 'ok'}\n${this.drain(args[0]!)}`.trim();
      }
      case 'transfer': {
        const refused = this.node(args[0]!).transferLeadership(args[1]!);
        return `${refused ?? 'ok'}\n${this.drain(args[0]!)}`.trim();
      }
      case 'campaign':
        // Ticking past the election timeout is how a node campaigns; do exactly that.
        return this.tickUntil(args[0]!, (n) => n.role !== 'follower');
      case 'tick-election':
        return this.tickUntil(args[0]!, () => false, 20);
      case 'tick-heartbeat':
        this.node(args[0]!).tick();
        return this.drain(args[0]!);
      case 'propose': {
        const ok = this.node(args[0]!).propose(new TextEncoder().encode(args[1] ?? ''));
        return `${ok ? 'ok' : 'refused'}\n${this.drain(args[0]!)}`.trim();
      }
      case 'stabilize':
        return this.stabilize();
      case 'isolate':
        this.isolated.add(args[0]!);
        return `${args[0]!} isolated`;
      case 'heal':
        this.isolated.clear();
        return 'healed';
      case 'crash':
        this.nodes.set(args[0]!, null);
        this.mailbox = this.mailbox.filter((m) => m.to !== args[0]);
        return `${args[0]!} crashed`;
      case 'restart':
        this.boot(args[0]!);
        return `${args[0]!} restarted at term ${this.node(args[0]!).term}`;
      case 'compact': {
        const node = this.node(args[0]!);
        node.compact(node.log.applied, new Uint8Array([1]));
        const d = this.durable.get(args[0]!)!;
        d.snapshot = node.log.snapshot;
        d.entries = d.entries.filter((e) => e.index > d.snapshot.index);
        return `${args[0]!} compacted to ${node.log.snapshot.index}`;
      }
      case 'status':
        return this.ids.map((id) => {
          const n = this.nodes.get(id);
          if (n == null) return `${id}: down`;
          const s = n.status();
          return `${id}: ${s.role} term=${s.term} vote=${s.vote ?? '-'} lead=${s.leaderId ?? '-'} commit=${s.commitIndex} last=${s.lastIndex} snap=${s.snapshotIndex} voters=${s.voters.join(',')}`;
        }).join('\n');
      case 'log': {
        const n = this.node(args[0]!);
        const lines: string[] = [];
        for (let i = n.log.firstIndex(); i <= n.log.lastIndex(); i++) {
          const e = n.log.slice(i, i, 1)[0]!;
          lines.push(`${e.index}/${e.term} ${e.conf !== undefined ? `${e.conf.type} ${e.conf.nodeId}` : e.data === null ? '(empty)' : new TextDecoder().decode(e.data)}`);
        }
        return lines.join('\n') || '(no entries)';
      }
      default:
        throw new Error(`unknown command ${command}`);
    }
  }

  private node(id: string): RaftNode {
    const n = this.nodes.get(id);
    if (n == null) throw new Error(`node ${id} is down`);
    return n;
  }

  private boot(id: string): void {
    const d = this.durable.get(id)!;
    this.nodes.set(id, new RaftNode({ id, voters: this.ids, electionTicks: 10, heartbeatTicks: 1, random: this.random.fork(), preVote: true, checkQuorum: true },
      { hardState: d.hardState, snapshot: d.snapshot, entries: d.entries.slice() }));
  }

  private tickUntil(id: string, done: (n: RaftNode) => boolean, maxTicks = 40): string {
    const n = this.node(id);
    for (let i = 0; i < maxTicks && !done(n); i++) n.tick();
    return this.drain(id);
  }

  /** Persists and collects one node's Ready; returns its messages as text. */
  private drain(id: string): string {
    const n = this.nodes.get(id);
    if (n == null) return '';
    const out: string[] = [];
    while (n.hasReady()) {
      const rd = n.ready();
      const d = this.durable.get(id)!;
      if (rd.snapshot !== null) {
        d.snapshot = rd.snapshot;
        d.entries = [];
      }
      if (rd.truncateFrom !== null) d.entries = d.entries.filter((e) => e.index < rd.truncateFrom!);
      for (const e of rd.entries) {
        d.entries.length = Math.max(0, Math.min(d.entries.length, e.index - d.snapshot.index - 1));
        d.entries.push(e);
      }
      if (rd.hardState !== null) d.hardState = rd.hardState;
      for (const m of rd.messages) {
        this.mailbox.push(m);
        out.push(describe(m));
      }
      for (const e of rd.committed) if (e.data !== null) out.push(`${id} applied ${e.index}/${e.term} ${new TextDecoder().decode(e.data)}`);
      n.advance(rd);
    }
    return out.join('\n');
  }

  private stabilize(): string {
    const out: string[] = [];
    for (let round = 0; round < 100; round++) {
      for (const id of this.ids) {
        const text = this.drain(id);
        if (text !== '') out.push(text);
      }
      if (this.mailbox.length === 0) break;
      const batch = this.mailbox;
      this.mailbox = [];
      for (const m of batch) {
        if (this.isolated.has(m.from) || this.isolated.has(m.to)) continue;
        this.nodes.get(m.to)?.step(m);
      }
    }
    return out.join('\n');
  }
}

function describe(m: Message): string {
  const parts = [`${m.from}->${m.to} ${m.type} term=${m.term}`];
  if (m.type === 'append' || m.type === 'vote' || m.type === 'pre-vote') parts.push(`log=${m.logIndex}/${m.logTerm}`);
  if (m.entries.length > 0) parts.push(`entries=[${m.entries.map((e) => `${e.index}/${e.term}`).join(',')}]`);
  if (m.type === 'append' || m.type === 'heartbeat') parts.push(`commit=${m.commit}`);
  if (m.reject) parts.push('rejected');
  if (m.type === 'append-resp' && !m.reject) parts.push(`match=${m.hintIndex}`);
  if (m.snapshot !== null) parts.push(`snapshot=${m.snapshot.index}/${m.snapshot.term}`);
  return parts.join(' ');
}
