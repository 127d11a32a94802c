// The controller's replicated state: everything Raft agrees on. Plain data only, so a snapshot
// is its JSON encoding and every node that applies the same commands holds the same state.

import type { ClusterTopology } from '../topology/topology';
import type { ClusterEvent } from './events';
import type { PlacementVersion } from '../placement/types';
import { withSettingDefaults, type ClusterSettings } from './settings';

export type NodeAdminState = 'up' | 'down' | 'offline' | 'draining' | 'removed';

export interface SliceEntry {
  readonly primary: string;
  readonly secondary: string;
  /** Bumped on any role change of this slice; requests carry it for fencing. */
  readonly epoch: number;
  /** VNs holding a complete, current copy. */
  readonly inSync: readonly string[];
  /**
   * A third copy being built for a planned role change (scale-out, decommission, rebalance):
   * the primary copies the slice to it while writes keep flowing, adds it to the in-sync set
   * when the copy is complete, and then the controller switches roles. Absent when none.
   */
  readonly learner?: string;
}

/** A drive as the controller sees it: in service, or failed (its VNs hold no roles) until replaced. */
export type DriveAdminState = 'ok' | 'failed';

export interface DriveRecord {
  readonly state: DriveAdminState;
  /** Bumped each time the drive is replaced by a new, empty one. */
  readonly generation: number;
  readonly reason: string;
  /** Wall time of the last change, for the console. */
  readonly sinceMs: number;
}

export type OperationKind = 'scale-out' | 'decommission' | 'rebalance';
export type OperationState = 'running' | 'done' | 'cancelled';

/** Target roles of one slice: [primary VN, secondary VN]. */
export type TargetRoles = readonly [string, string];

/**
 * A long-running change of the slice maps: the target map is computed once, by placement, when
 * the operation starts; the controller leader then moves slices towards it a few at a time.
 */
export interface ClusterOperation {
  readonly id: string;
  readonly kind: OperationKind;
  readonly state: OperationState;
  readonly actor: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number | null;
  /** Nodes added (scale-out) or drained (decommission); empty for a rebalance. */
  readonly nodes: readonly string[];
  /** Per container, the target roles of every slice. */
  readonly targets: Readonly<Record<string, readonly TargetRoles[]>>;
  /** Slice copies the plan makes on VNs that hold none (a slice whose two copies both move counts 2). */
  readonly plannedMoves: number;
  /** The least copies any scheme reaching the same balanced role counts makes, for the moves ratio. */
  readonly idealMoves: number;
  /** Why it ended, for cancelled ones. */
  readonly message: string;
}

export interface ContainerRecord {
  readonly name: string;
  readonly sliceCount: number;
  /** 64-bit hash seed as 16 hex digits: the same key lands in different slices per container. */
  readonly seedHex: string;
  readonly mapEpoch: number;
  readonly slices: readonly SliceEntry[];
  readonly createdAtMs: number;
}

export interface ControllerState {
  readonly clusterId: string | null;
  readonly name: string;
  readonly topology: ClusterTopology;
  readonly nodeStates: Readonly<Record<string, NodeAdminState>>;
  readonly containers: Readonly<Record<string, ContainerRecord>>;
  readonly settings: ClusterSettings;
  readonly availability: 'online' | 'offline';
  readonly offlineReason: string | null;
  /** Raft index at which the cluster went offline (null when online). */
  readonly offlineSinceIndex: number | null;
  readonly events: readonly ClusterEvent[];
  /** Drives by id; a drive absent here is ok at generation 0. */
  readonly drives: Readonly<Record<string, DriveRecord>>;
  /** The running operation (at most one) and the most recent finished ones, oldest first. */
  readonly operations: readonly ClusterOperation[];
  /** Raft index of the last applied command. */
  readonly appliedIndex: number;
  /** The placement algorithm this cluster computes maps with, fixed at bootstrap (engine/placement/types.ts). */
  readonly placementVersion: PlacementVersion;
}

export function emptyControllerState(settings: ClusterSettings): ControllerState {
  return {
    clusterId: null, name: '', topology: { nodes: [] }, nodeStates: {}, containers: {}, settings,
    availability: 'online', offlineReason: null, offlineSinceIndex: null, events: [], drives: {}, operations: [], appliedIndex: 0,
    placementVersion: 1,
  };
}

/** Finished operations kept in the state (older ones live on in the events log). */
export const OPERATIONS_RETAINED_MAX = 20;

/**
 * Fills fields added after a snapshot was written, so a state restored from an older snapshot
 * has the current shape.
 */
export function normalizeState(state: ControllerState): ControllerState {
  const partial: Partial<ControllerState> = state;
  // Settings added later (autoRebalance) take their default; a cluster from before placement
  // versions keeps version 1.
  return { ...state, settings: withSettingDefaults(state.settings), drives: partial.drives ?? {}, operations: partial.operations ?? [], placementVersion: partial.placementVersion ?? 1 };
}

export function runningOperation(state: ControllerState): ClusterOperation | undefined {
  return state.operations.find((op) => op.state === 'running');
}

export function driveState(state: ControllerState, driveId: string): DriveAdminState {
  return state.drives[driveId]?.state ?? 'ok';
}
