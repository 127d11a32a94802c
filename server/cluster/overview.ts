// The shape the console and /healthz read: one consistent snapshot of the cluster.

import { AUTO_REBALANCE_SETTLE_MS, autoRebalanceBlocker, roleSpread, roleSpreadText } from '../../engine/controller/auto-rebalance';
import type { ControllerState, NodeAdminState } from '../../engine/controller/state';
import type { NodeStatus } from '../../engine/node/tessera-node';
import type { ClusterTopology } from '../../engine/topology/topology';

export type Availability = 'online' | 'offline';
export type Redundancy = 'healthy' | 'degraded';

export interface DriveOverview {
  readonly id: string;
  readonly capacityBytes: number;
  readonly bytesWritten: number;
  readonly state: 'ok' | 'failed';
}

export interface VnOverview {
  readonly id: string;
  readonly driveId: string;
  readonly state: 'up' | 'down';
  /** Slices this VN is primary / secondary for, over all containers. */
  readonly primaries: number;
  readonly secondaries: number;
}

export interface NodeOverview {
  readonly id: string;
  readonly state: 'up' | 'down' | 'starting';
  /** The controller's view: up, down, offline (operator), draining (decommission). */
  readonly adminState: NodeAdminState;
  /** Milliseconds since a peer last heard this node; null when no peer has. */
  readonly lastHeartbeatAgoMs: number | null;
  readonly vns: readonly VnOverview[];
  readonly drives: readonly DriveOverview[];
  readonly error: string | null;
}

/**
 * Roles per VN over the VNs that may hold roles (the container worst off): "unbalanced" while
 * some VN holds more than one primary or secondary more than another (after a node or drive
 * returns, until the rebalance has moved its share back).
 */
export interface BalanceOverview {
  readonly state: 'balanced' | 'unbalanced';
  readonly container: string | null;
  readonly primariesMin: number;
  readonly primariesMax: number;
  readonly secondariesMin: number;
  readonly secondariesMax: number;
  readonly autoRebalance: boolean;
  /** What auto-rebalance waits for (a node down, a slice not in sync, an operation), or null. */
  readonly autoRebalanceWaitingFor: string | null;
}

export interface ClusterOverview {
  readonly clusterId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly availability: Availability;
  readonly redundancy: Redundancy;
  readonly reasons: readonly string[];
  readonly balance: BalanceOverview;
  readonly nodes: readonly NodeOverview[];
  readonly counts: {
    readonly nodesUp: number;
    readonly nodesTotal: number;
    readonly vns: number;
    readonly drives: number;
    readonly containers: number;
    readonly slicesTwoCopies: number;
    readonly slicesOneCopy: number;
    readonly slicesNoCopy: number;
  };
  readonly controller: { readonly leaderId: string | null; readonly term: number; readonly commitIndex: number };
  readonly uptimeMs: number;
  /** The longest event-loop stall of the process in the last 10 minutes (ms); null when not measured. */
  readonly longestStallMs: number | null;
}

export interface OverviewInputs {
  readonly manifest: { readonly clusterId: string; readonly name: string; readonly createdAt: string };
  readonly state: ControllerState;
  readonly topology: ClusterTopology;
  readonly statuses: readonly NodeStatus[];
  readonly leader: { readonly nodeId: string; readonly term: number; readonly commitIndex: number } | undefined;
  readonly uptimeMs: number;
  readonly longestStallMs: number | null;
}

/** One consistent snapshot from the committed state and what the running nodes report. */
export function buildOverview(input: OverviewInputs): ClusterOverview {
  const { state, statuses } = input;
  const failureDetectionTimeoutMs = state.settings.failureDetectionTimeoutMs;
  const roles = new Map<string, { primaries: number; secondaries: number }>();
  let slicesTwoCopies = 0;
  let slicesOneCopy = 0;
  let slicesNoCopy = 0;
  const bump = (vn: string, role: 'primaries' | 'secondaries'): void => {
    const entry = roles.get(vn) ?? { primaries: 0, secondaries: 0 };
    entry[role]++;
    roles.set(vn, entry);
  };
  for (const container of Object.values(state.containers)) {
    for (const slice of container.slices) {
      bump(slice.primary, 'primaries');
      bump(slice.secondary, 'secondaries');
      if (slice.inSync.length >= 2) slicesTwoCopies++;
      else if (slice.inSync.length === 1) slicesOneCopy++;
      else slicesNoCopy++;
    }
  }
  const nodes: NodeOverview[] = input.topology.nodes.map((spec) => {
    const own = statuses.find((s) => s.nodeId === spec.id);
    // A node is up when it runs, a peer has heard it within the timeout, and the controller
    // has not declared it down.
    const heardBy = statuses.flatMap((s) => s.peers.filter((p) => p.nodeId === spec.id && p.lastHeardAgoMs !== null));
    const freshestAgoMs = heardBy.length === 0 ? null : Math.min(...heardBy.map((p) => p.lastHeardAgoMs ?? Infinity));
    const running = own?.lifecycle === 'running';
    const declared = state.nodeStates[spec.id];
    const nodeState: NodeOverview['state'] = own?.lifecycle === 'starting' ? 'starting'
      : running && declared !== 'down' && freshestAgoMs !== null && freshestAgoMs <= failureDetectionTimeoutMs ? 'up' : 'down';
    const bytesByDrive = new Map(own?.drives.map((d) => [d.id, d.bytesWritten]) ?? []);
    const driveFailed = (driveId: string): boolean => state.drives[driveId]?.state === 'failed';
    return {
      id: spec.id,
      state: nodeState,
      adminState: declared ?? 'up',
      lastHeartbeatAgoMs: freshestAgoMs === null ? null : Math.round(freshestAgoMs),
      vns: spec.vns.map((vn) => ({
        id: vn.id, driveId: vn.driveId, state: nodeState === 'up' && !driveFailed(vn.driveId) ? 'up' : 'down',
        primaries: roles.get(vn.id)?.primaries ?? 0, secondaries: roles.get(vn.id)?.secondaries ?? 0,
      })),
      drives: spec.drives.map((d) => ({ id: d.id, capacityBytes: d.capacityBytes, bytesWritten: bytesByDrive.get(d.id) ?? 0, state: driveFailed(d.id) ? 'failed' : 'ok' })),
      error: own?.error ?? null,
    };
  });
  const nodesUp = nodes.filter((n) => n.state === 'up').length;
  const reasons: string[] = [];
  const down = nodes.filter((n) => n.state !== 'up').map((n) => n.id);
  if (down.length > 0) reasons.push(`node${down.length > 1 ? 's' : ''} not up: ${down.join(', ')}`);
  const failedDrives = nodes.flatMap((n) => n.drives.filter((d) => d.state === 'failed').map((d) => d.id));
  if (failedDrives.length > 0) reasons.push(`drive${failedDrives.length > 1 ? 's' : ''} failed: ${failedDrives.join(', ')}`);
  if (slicesOneCopy + slicesNoCopy > 0) reasons.push(`${slicesOneCopy} slices with one copy, ${slicesNoCopy} with none`);
  const draining = nodes.filter((n) => n.adminState === 'draining').map((n) => n.id);
  if (draining.length > 0) reasons.push(`draining: ${draining.join(', ')}`);
  const balance = balanceOverview(state);
  if (balance.state === 'unbalanced' && balance.container !== null) {
    const spread = roleSpreadText({ ...balance, container: balance.container, unbalanced: true });
    reasons.push(`unbalanced: ${spread}; ${!balance.autoRebalance ? 'autoRebalance is off (start a rebalance)'
      : balance.autoRebalanceWaitingFor === null ? `auto-rebalance starts after ${AUTO_REBALANCE_SETTLE_MS / 1000} s of calm` : `auto-rebalance waits: ${balance.autoRebalanceWaitingFor}`}`);
  }
  let availability: ClusterOverview['availability'] = state.availability;
  if (input.leader === undefined) {
    availability = 'offline';
    reasons.push('the controller has no leader (no quorum)');
  } else if (state.availability === 'offline') {
    reasons.push(`offline: ${state.offlineReason ?? 'unknown reason'}`);
  }
  return {
    clusterId: input.manifest.clusterId,
    name: input.manifest.name,
    createdAt: input.manifest.createdAt,
    availability,
    redundancy: down.length === 0 && failedDrives.length === 0 && slicesOneCopy + slicesNoCopy === 0 ? 'healthy' : 'degraded',
    reasons,
    balance,
    nodes,
    counts: {
      nodesUp,
      nodesTotal: nodes.length,
      vns: nodes.reduce((sum, n) => sum + n.vns.length, 0),
      drives: nodes.reduce((sum, n) => sum + n.drives.length, 0),
      containers: Object.keys(state.containers).length,
      slicesTwoCopies, slicesOneCopy, slicesNoCopy,
    },
    controller: { leaderId: input.leader?.nodeId ?? null, term: input.leader?.term ?? 0, commitIndex: input.leader?.commitIndex ?? 0 },
    uptimeMs: input.uptimeMs,
    longestStallMs: input.longestStallMs,
  };
}

function balanceOverview(state: ControllerState): BalanceOverview {
  const spread = roleSpread(state);
  const blocker = autoRebalanceBlocker(state);
  return {
    state: spread?.unbalanced === true ? 'unbalanced' : 'balanced',
    container: spread?.container ?? null,
    primariesMin: spread?.primariesMin ?? 0,
    primariesMax: spread?.primariesMax ?? 0,
    secondariesMin: spread?.secondariesMin ?? 0,
    secondariesMax: spread?.secondariesMax ?? 0,
    autoRebalance: state.settings.autoRebalance,
    autoRebalanceWaitingFor: state.settings.autoRebalance ? blocker : null,
  };
}
