// The embedded cluster's network: nodes in one process exchange messages through this hub.
// Delivery is asynchronous (setImmediate) and messages are structured-cloned, so nodes never share
// mutable objects and protocols behave as they would over a real network. A link can be cut to
// drill failures.

import type { Envelope, NodeId, Transport } from '../../engine/runtime/runtime';

export class InProcessHub {
  private readonly handlers = new Map<NodeId, (envelope: Envelope) => void>();
  private readonly isolated = new Set<NodeId>();

  endpoint(nodeId: NodeId): Transport {
    return {
      send: (to, message) => {
        if (this.isolated.has(nodeId) || this.isolated.has(to)) return;
        const envelope: Envelope = { from: nodeId, to, message: structuredClone(message) };
        setImmediate(() => {
          if (this.isolated.has(to)) return;
          this.handlers.get(to)?.(envelope);
        });
      },
      onReceive: (handler) => {
        this.handlers.set(nodeId, handler);
      },
    };
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
