// The controller's replicated state: everything Raft agrees on. Plain data only, so a snapshot
// is its JSON encoding and every node that applies the same commands holds the same state.

import type { ClusterTopology } from '../topology/topology';
import type { ClusterEvent } from './events';
import type { ClusterSettings } from './settings';

export type NodeAdminState = 'up' | 'down' | 'offline' | 'draining' | 'removed';

export interface SliceEntry {
  readonly primary: string;
  readonly secondary: string;
  /** Bumped on any role change of this slice; requests carry it for fencing. */
  readonly epoch: number;
  /** VNs holding a complete, current copy. */
  readonly inSync: readonly string[];
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
  /** Raft index of the last applied command. */
  readonly appliedIndex: number;
}

export function emptyControllerState(settings: ClusterSettings): ControllerState {
  return {
    clusterId: null, name: '', topology: { nodes: [] }, nodeStates: {}, containers: {}, settings,
    availability: 'online', offlineReason: null, offlineSinceIndex: null, events: [], appliedIndex: 0,
  };
}
