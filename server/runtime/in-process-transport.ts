// The embedded cluster's network: nodes in one process exchange messages through this hub.
// Delivery is asynchronous (a later turn of the event loop), so a sender never runs inside its
// receiver and protocols behave as they would over a real network. A link can be cut to drill
// failures.
//
// Messages are handed over by reference, not structured-cloned: the engine treats a message as
// immutable once sent, exactly as the simulator's network (engine/sim/sim-network.ts) delivers
// them, which is what the cluster swarm proves the protocols against. Cloning every message
// (each put's value travels client → primary → secondary) was the largest single cost of the
// write path's CPU profile (docs/PERFORMANCE-write-path.md).
//
// Every message sent in one turn is delivered in one batch from a single setImmediate, in send
// order, instead of one setImmediate each.

import type { Envelope, NodeId, Transport } from '../../engine/runtime/runtime';

export class InProcessHub {
  private readonly handlers = new Map<NodeId, (envelope: Envelope) => void>();
  private readonly isolated = new Set<NodeId>();
  private queue: Envelope[] = [];
  private drainScheduled = false;

  endpoint(nodeId: NodeId): Transport {
    return {
      send: (to, message) => {
        if (this.isolated.has(nodeId) || this.isolated.has(to)) return;
        this.queue.push({ from: nodeId, to, message });
        if (!this.drainScheduled) {
          this.drainScheduled = true;
          setImmediate(() => this.drain());
        }
      },
      onReceive: (handler) => {
        this.handlers.set(nodeId, handler);
      },
    };
  }

  /** Delivers what was sent before this turn; messages sent while delivering go in the next one. */
  private drain(): void {
    this.drainScheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const envelope of batch) {
      if (this.isolated.has(envelope.to)) continue;
      const handler = this.handlers.get(envelope.to);
      if (handler === undefined) continue;
      try {
        handler(envelope);
      } catch (error) {
        // One receiver's throw must not drop the rest of the batch; surface it as before
        // (an uncaught exception in its own turn).
        setImmediate(() => { throw error; });
      }
    }
  }

  /** Cuts a node off the network (both directions), or reconnects it. */
  setIsolated(nodeId: NodeId, isolated: boolean): void {
    if (isolated) this.isolated.add(nodeId);
    else this.isolated.delete(nodeId);
  }

  detach(nodeId: NodeId): void {
    this.handlers.delete(nodeId);
  }
}
