// Commands of the controller state machine. Every field an apply needs is inside the command
// (times, random seeds), chosen by the proposer, so applying is deterministic on every node.

import type { ClusterTopology, NodeSpec } from '../topology/topology';
import type { ClusterSettings } from './settings';

interface CommandBase {
  /** Who asked: "system" or an operator's name. */
  readonly actor: string;
  /** Proposer's wall-clock time (ms since epoch) for the events log. */
  readonly timeMs: number;
}

export interface BootstrapCommand extends CommandBase {
  readonly type: 'bootstrap';
  readonly clusterId: string;
  readonly name: string;
  readonly topology: ClusterTopology;
  readonly settings: ClusterSettings;
  readonly containers: ReadonlyArray<{ readonly name: string; readonly sliceCount: number; readonly seedHex: string }>;
  /** Placement algorithm for the cluster's life; absent (entries written before versions) = 1. */
  readonly placementVersion?: number;
}

export interface CreateContainerCommand extends CommandBase {
  readonly type: 'container.create';
  readonly name: string;
  readonly sliceCount: number;
  readonly seedHex: string;
}

export interface DeleteContainerCommand extends CommandBase {
  readonly type: 'container.delete';
  readonly name: string;
}

export interface SetSettingsCommand extends CommandBase {
  readonly type: 'settings.set';
  readonly changes: Partial<ClusterSettings>;
}

export interface NodeStateCommand extends CommandBase {
  /** down/up: the failure detector. offline/online: an operator taking a node out or back. */
  readonly type: 'node.down' | 'node.up' | 'node.offline' | 'node.online';
  readonly nodeId: string;
  readonly reason: string;
}

export interface ClusterAvailabilityCommand extends CommandBase {
  readonly type: 'cluster.offline' | 'cluster.online';
  readonly reason: string;
}

/** Records an auto-online attempt that could not bring the cluster online, and why. */
export interface AutoOnlineFailedCommand extends CommandBase {
  readonly type: 'cluster.auto-online.failed';
  readonly reason: string;
}

/** One slice's new roles; applied only if the slice is still at `expectedEpoch`. */
export interface SliceChange {
  readonly container: string;
  readonly slice: number;
  readonly expectedEpoch: number;
  readonly primary: string;
  /** '' when the slice has no secondary (no other node is up). */
  readonly secondary: string;
  readonly inSync: readonly string[];
  /** The migration target after the change; absent: none (a change without it clears it). */
  readonly learner?: string;
  readonly reason: string;
}

/** Role and in-sync changes requested by primaries (re-protection done, secondary unreachable). */
export interface ReconfigureSlicesCommand extends CommandBase {
  readonly type: 'slices.reconfigure';
  readonly changes: readonly SliceChange[];
}

/** Adds whole nodes and starts migrating slices onto them (docs/DESIGN.md §3, §5). */
export interface ScaleOutCommand extends CommandBase {
  readonly type: 'scale-out.start';
  readonly nodes: readonly NodeSpec[];
}

/** Drains a node: its slices move away, then it leaves the cluster. */
export interface DecommissionCommand extends CommandBase {
  readonly type: 'decommission.start';
  readonly nodeId: string;
}

/** Moves slices back to a balanced map (after a drive replacement or failovers). */
export interface RebalanceCommand extends CommandBase {
  readonly type: 'rebalance.start';
  readonly reason: string;
}

export interface OperationEndCommand extends CommandBase {
  /** cancel: stop where it is, the map consistent; finish: every slice reached its target. */
  readonly type: 'operation.cancel' | 'operation.finish';
  readonly operationId: string;
  readonly reason: string;
}

export interface DriveCommand extends CommandBase {
  /** fail: the drive's VNs stop serving (failover); replace: a new empty drive is in service. */
  readonly type: 'drive.fail' | 'drive.replace';
  readonly driveId: string;
  readonly reason: string;
}

export type ControllerCommand =
  | ScaleOutCommand
  | DecommissionCommand
  | RebalanceCommand
  | OperationEndCommand
  | DriveCommand
  | ReconfigureSlicesCommand
  | BootstrapCommand
  | CreateContainerCommand
  | DeleteContainerCommand
  | SetSettingsCommand
  | NodeStateCommand
  | ClusterAvailabilityCommand
  | AutoOnlineFailedCommand;

export type CommandResult = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };
