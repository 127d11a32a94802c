// Who this node has heard from lately. Heartbeats go to every peer; a peer silent for longer
// than the failure-detection timeout is suspected down. Measured on this node's monotonic clock
// only, so clock offsets between nodes never matter.

export interface PeerView {
  readonly nodeId: string;
  /** Undefined until the first heartbeat arrives. */
  readonly lastHeardAtMs: number | undefined;
}

export class PeerLiveness {
  private readonly lastHeardAtMs = new Map<string, number>();

  constructor(private peerIds: readonly string[]) {}

  /**
   * Follows the committed topology: nodes added by a scale-out, removed by a decommission. A
   * newly added peer counts as heard now, so it gets a full timeout to start heartbeating.
   */
  setPeers(peerIds: readonly string[], nowMs: number): void {
    for (const nodeId of peerIds) if (!this.peerIds.includes(nodeId) && !this.lastHeardAtMs.has(nodeId)) this.lastHeardAtMs.set(nodeId, nowMs);
    this.peerIds = [...peerIds];
    for (const nodeId of [...this.lastHeardAtMs.keys()]) if (!this.peerIds.includes(nodeId)) this.lastHeardAtMs.delete(nodeId);
  }

  heard(nodeId: string, nowMs: number): void {
    if (this.peerIds.includes(nodeId)) this.lastHeardAtMs.set(nodeId, nowMs);
  }

  isUp(nodeId: string, nowMs: number, failureDetectionTimeoutMs: number): boolean {
    const heardAtMs = this.lastHeardAtMs.get(nodeId);
    return heardAtMs !== undefined && nowMs - heardAtMs <= failureDetectionTimeoutMs;
  }

  views(): PeerView[] {
    return this.peerIds.map((nodeId) => ({ nodeId, lastHeardAtMs: this.lastHeardAtMs.get(nodeId) }));
  }
}
