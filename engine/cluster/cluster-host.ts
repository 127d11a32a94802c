// What the cluster orchestration (engine/cluster) needs from the process it runs in. The real
// server implements it with lmdb drives, a data directory and the in-process hub
// (server/cluster/node-host.ts); the simulator with SimWorld nodes (engine/sim/data-cluster-sim.ts).
// Both run the same orchestration on top, so the cluster swarm tests what the server runs.

import type { NodeBootstrap } from '../node/identity';
import type { TesseraNode } from '../node/tessera-node';
import type { MonotonicClock, Timers, WallClock } from '../runtime/runtime';
import type { ClusterTopology } from '../topology/topology';

/** The part of the data directory's manifest the orchestration keeps in step with the cluster. */
export interface ClusterMembership {
  readonly clusterId: string;
  /** The nodes this process runs (it grows with scale-out and shrinks with decommission). */
  readonly topology: ClusterTopology;
  /** The controller voters the cluster was founded with (Raft's base configuration). */
  readonly foundingVoters: readonly string[];
  /** Nodes a decommission removed: their ids are never used again. */
  readonly retiredNodeIds: readonly string[];
}

export interface ClusterHost {
  /** The orchestration's own time and timers (not a node's: nodes come and go). */
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  /** For the `timeMs` of the commands the orchestration proposes (labels only). */
  readonly wallClock: WallClock;
  readonly log: (line: string) => void;
  /**
   * Builds the node's runtime and engine object and starts it; returns the node at once (it
   * counts as running from then on) and calls `started` once it runs or failed to start.
   */
  launchNode(nodeId: string, bootstrap: NodeBootstrap, started: (error: string | null) => void): TesseraNode;
  /** Stops the node as its process dying would (nothing more sent or written); `halted` once it is. */
  haltNode(nodeId: string, node: TesseraNode, halted: () => void): void;
  /** Deletes what a node that never joined left behind (a scale-out refused or rolled back). */
  discardNode(nodeId: string): void;
  /** Makes the membership durable (the server's manifest) before the orchestration goes on. */
  persistMembership(membership: ClusterMembership): void;
  /** A new, empty device in place of the drive (the node keeps running); `replaced` once it is. */
  replaceDrive(nodeId: string, driveId: string, replaced: (error: string | null) => void): void;
}
