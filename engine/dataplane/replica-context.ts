// What a slice replica needs from the node it runs on: time, timers, messaging to other nodes'
// replicas, the read lease, controller proposals and the data-plane settings. DataService
// provides it; tests can provide their own.

import type { CommandResult, ControllerCommand } from '../controller/commands';
import type { DurableStore, TimerId } from '../runtime/runtime';
import type { ReplAck } from './messages';

/** Test-only switches that break one safety rule each; the swarm must catch every one. */
export interface DataPlaneCanaries {
  /** Acknowledge a write before the secondary has made it durable. */
  readonly ackBeforeSecondaryDurable: boolean;
  /** Secondaries accept replication from any epoch. */
  readonly skipEpochCheck: boolean;
  /** Primaries serve reads without a valid lease (and without the promotion wait). */
  readonly readWithoutLease: boolean;
  /** The controller promotes a secondary even when it is not in the in-sync set. */
  readonly promoteOutOfSync: boolean;
  /** Drives report writes durable at once but lose them on a crash (simulator only). */
  readonly loseFsync: boolean;
}

export const NO_CANARIES: DataPlaneCanaries = { ackBeforeSecondaryDurable: false, skipEpochCheck: false, readWithoutLease: false, promoteOutOfSync: false, loseFsync: false };

export interface ReplicaContext {
  readonly nodeId: string;
  nowMs(): number;
  /**
   * The node's monotonic time minus the time it was itself paused (a stalled process): silence
   * of a partner is measured on it, so a node never blames a partner for its own sleep.
   */
  responsiveMs(): number;
  wallMs(): number;
  schedule(delayMs: number, callback: () => void): TimerId;
  cancel(timer: TimerId): void;
  nodeOfVn(vnId: string): string | undefined;
  storeOfVn(vnId: string): DurableStore | undefined;
  /** Sends a replication message with a fresh id and calls `onAck` with its answer (at most once). */
  sendToReplica(nodeId: string, build: (id: number) => unknown, onAck: (ack: ReplAck) => void): void;
  readLeaseValid(): boolean;
  /** The committed single-copy write policy: 'refuse' keeps a slice read-only while it has one copy. */
  degradedWritePolicy(): 'accept' | 'refuse';
  /**
   * Asks the node's copy throttle (rebuildThrottleMBps) for `bytes` of rebuild traffic now;
   * false means wait for the next tick.
   */
  takeCopyBudget(bytes: number): boolean;
  promotionWaitMs(): number;
  /** Proposes a controller command through the current controller leader. */
  propose(command: ControllerCommand, done: (result: CommandResult) => void): void;
  /**
   * A durable write on `store` failed. A drive that reports itself failed is taken out of
   * service (its VNs stop, the controller fails them over); anything else stops the node.
   */
  fatal(reason: string, store: DurableStore): void;
  readonly canaries: DataPlaneCanaries;
}
