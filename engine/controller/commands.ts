// Commands of the controller state machine. Every field an apply needs is inside the command
// (times, random seeds), chosen by the proposer, so applying is deterministic on every node.

import type { ClusterTopology } from '../topology/topology';
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
  readonly type: 'node.down' | 'node.up';
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

export type ControllerCommand =
  | BootstrapCommand
  | CreateContainerCommand
  | DeleteContainerCommand
  | SetSettingsCommand
  | NodeStateCommand
  | ClusterAvailabilityCommand
  | AutoOnlineFailedCommand;

export type CommandResult = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };
