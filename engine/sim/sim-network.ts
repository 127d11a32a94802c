// The simulated network: every message gets a random delay (so messages reorder), and may be
// dropped or duplicated; links can be cut in one direction (asymmetric partitions) or both.

import type { Envelope, NodeId } from '../runtime/runtime';
import type { EventQueue } from './event-queue';
import type { SeededRandom } from './prng';

export interface NetworkFaults {
  dropProbability: number;
  duplicateProbability: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_NETWORK_FAULTS: NetworkFaults = { dropProbability: 0, duplicateProbability: 0, minDelayMs: 0.05, maxDelayMs: 1 };

/** Upper bound on messages in flight, so a runaway protocol fails loudly instead of eating memory. */
export const MAX_MESSAGES_IN_FLIGHT = 1_000_000;

export class SimNetwork {
  faults: NetworkFaults = { ...DEFAULT_NETWORK_FAULTS };
  private readonly handlers = new Map<NodeId, (envelope: Envelope) => void>();
  /** Cut links, as "from->to". */
  private readonly cut = new Set<string>();
  private inFlight = 0;
  messagesSent = 0;
  messagesDelivered = 0;

  constructor(private readonly queue: EventQueue, private readonly random: SeededRandom) {}

  attach(nodeId: NodeId, handler: (envelope: Envelope) => void): void {
    this.handlers.set(nodeId, handler);
  }

  detach(nodeId: NodeId): void {
    this.handlers.delete(nodeId);
  }

  send(from: NodeId, to: NodeId, message: unknown): void {
    this.messagesSent++;
    if (this.random.nextFloat() < this.faults.dropProbability) return;
    const copies = this.random.nextFloat() < this.faults.duplicateProbability ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.inFlight >= MAX_MESSAGES_IN_FLIGHT) throw new Error(`simulated network: more than ${MAX_MESSAGES_IN_FLIGHT} messages in flight`);
      const delayMs = this.faults.minDelayMs + this.random.nextFloat() * (this.faults.maxDelayMs - this.faults.minDelayMs);
      this.inFlight++;
      this.queue.schedule(this.queue.nowMs() + delayMs, () => {
        this.inFlight--;
        // Partitions are checked at delivery time, so a cut also stops messages already on the wire.
        if (this.cut.has(`${from}->${to}`)) return;
        const handler = this.handlers.get(to);
        if (handler === undefined) return;
        this.messagesDelivered++;
        handler({ from, to, message });
      });
    }
  }

  /** Cuts from→to only (an asymmetric partition). */
  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}->${to}`);
  }

  /** Splits the nodes into groups that cannot talk to each other (both directions). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (const a of groups) for (const b of groups) {
      if (a === b) continue;
      for (const x of a) for (const y of b) this.cut.add(`${x}->${y}`);
    }
  }

  /** No link is cut. */
  whole(): boolean {
    return this.cut.size === 0;
  }

  heal(): void {
    this.cut.clear();
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.has(`${from}->${to}`);
  }
}
