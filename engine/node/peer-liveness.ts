// Who this node has heard from lately. Heartbeats go to every peer; a peer silent for longer
// than the failure-detection timeout is suspected down. Measured on this node's clocks only, so
// clock offsets between nodes never matter.
//
// Silence counts only this node's responsive time (self-pause.ts): while this node itself was
// paused, it could not hear anyone, and heartbeats sent meanwhile wait in its queue. The
// monotonic time of the last heartbeat is kept too, for status views.

/** A moment on both of this node's clocks: monotonic, and responsive (monotonic minus its own pauses). */
export interface LivenessInstant {
  readonly nowMs: number;
  readonly responsiveMs: number;
}

export interface PeerView {
  readonly nodeId: string;
  /** Monotonic time of the last heartbeat; undefined until the first one arrives. */
  readonly lastHeardAtMs: number | undefined;
}

export class PeerLiveness {
  private readonly lastHeard = new Map<string, LivenessInstant>();

  constructor(private peerIds: readonly string[]) {}

  /**
   * Follows the committed topology: nodes added by a scale-out, removed by a decommission. A
   * newly added peer counts as heard now, so it gets a full timeout to start heartbeating.
   */
  setPeers(peerIds: readonly string[], at: LivenessInstant): void {
    for (const nodeId of peerIds) if (!this.peerIds.includes(nodeId) && !this.lastHeard.has(nodeId)) this.lastHeard.set(nodeId, at);
    this.peerIds = [...peerIds];
    for (const nodeId of [...this.lastHeard.keys()]) if (!this.peerIds.includes(nodeId)) this.lastHeard.delete(nodeId);
  }

  heard(nodeId: string, at: LivenessInstant): void {
    if (this.peerIds.includes(nodeId)) this.lastHeard.set(nodeId, at);
  }

  /** Responsive ms since `nodeId` was last heard; null if never. */
  silentForMs(nodeId: string, at: LivenessInstant): number | null {
    const heard = this.lastHeard.get(nodeId);
    return heard === undefined ? null : Math.max(0, at.responsiveMs - heard.responsiveMs);
  }

  isUp(nodeId: string, at: LivenessInstant, failureDetectionTimeoutMs: number): boolean {
    const silentMs = this.silentForMs(nodeId, at);
    return silentMs !== null && silentMs <= failureDetectionTimeoutMs;
  }

  views(): PeerView[] {
    return this.peerIds.map((nodeId) => ({ nodeId, lastHeardAtMs: this.lastHeard.get(nodeId)?.nowMs }));
  }
}
