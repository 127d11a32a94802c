// A node's read lease, granted by the controller leader in answer to its heartbeats.
//
// The lease runs for `leaseMs` from the moment the node SENT the request that was granted (on
// the node's own monotonic clock), so network delay only shortens it. It also counts only once
// this node's controller replica has applied the leader's commit index at grant time: a node
// cannot hold a lease while it still believes in a slice map the leader has moved past.
// The controller declares a node down only after it was silent for the failure-detection
// timeout T > leaseMs, and a newly promoted primary waits `leaseMs` × clock margin before
// serving, so the old primary's lease has run out by then (docs/DESIGN.md §5). The detector counts
// silence in its own responsive time (it leaves out its own pauses), which is never more than
// the monotonic silence: it only waits longer. A node paused past its lease finds it expired on
// resuming, since the lease runs on the node's own clock.

import type { LeaseGrant } from './messages';

/** Lease length as a fraction of the failure-detection timeout. */
export const LEASE_FRACTION_OF_DETECTION = 0.5;
/** Clocks may run this much faster or slower than each other (the simulator skews up to 2%). */
export const CLOCK_RATE_MARGIN = 1.2;

export function leaseMsFor(failureDetectionTimeoutMs: number): number {
  return failureDetectionTimeoutMs * LEASE_FRACTION_OF_DETECTION;
}

/** How long a new primary waits before serving, so any earlier primary's lease has expired. */
export function promotionWaitMsFor(failureDetectionTimeoutMs: number): number {
  return leaseMsFor(failureDetectionTimeoutMs) * CLOCK_RATE_MARGIN;
}

export class ReadLease {
  private validUntilMs = Number.NEGATIVE_INFINITY;
  private requiredAppliedIndex = 0;

  granted(grant: LeaseGrant, leaseMs: number): void {
    this.validUntilMs = Math.max(this.validUntilMs, grant.sentAtMs + leaseMs);
    this.requiredAppliedIndex = Math.max(this.requiredAppliedIndex, grant.commitIndex);
  }

  valid(nowMs: number, appliedIndex: number): boolean {
    return nowMs < this.validUntilMs && appliedIndex >= this.requiredAppliedIndex;
  }

  /** For status views: ms left (≤ 0 when expired). */
  remainingMs(nowMs: number): number {
    return this.validUntilMs - nowMs;
  }
}
