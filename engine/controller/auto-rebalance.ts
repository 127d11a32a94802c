// Auto-rebalance: after a node or drive returns (or a drive is replaced) its VNs hold no roles,
// since failover moved them away; the controller leader then starts an ordinary rebalance
// operation by itself, so every VN is back within ±1 primary and ±1 secondary without an
// operator. It runs only when the cluster is calm: online, every node up, every drive in service,
// every slice with both copies in sync and no learner, no operation running, and all of this
// continuously for AUTO_REBALANCE_SETTLE_MS on the leader's clock (a node that flaps restarts the
// wait, so it causes no churn). The migration itself is throttled like any operation
// (MIGRATION_COPIES_PER_NODE_MAX copies per source node, rebuildThrottleMBps). The setting
// `autoRebalance: false` leaves rebalancing to operators; the imbalance is reported either way.

import type { RebalanceCommand } from './commands';
import { runningOperation, type ControllerState } from './state';
import { stateVnHealth } from './vn-health';

/** How long the cluster must stay calm and unbalanced before the leader starts a rebalance. */
export const AUTO_REBALANCE_SETTLE_MS = 30_000;

/** Role counts per VN over the VNs that may hold roles, for the container that is worst off. */
export interface RoleSpread {
  readonly container: string;
  readonly primariesMin: number;
  readonly primariesMax: number;
  readonly secondariesMin: number;
  readonly secondariesMax: number;
  /** Some VN holds more than one role more than another: a rebalance would change the map. */
  readonly unbalanced: boolean;
}

/**
 * Primaries and secondaries per VN of each container, over the VNs a rebalance would use (nodes
 * up, drives in service; the same set as operations-apply.ts), and the container with the largest
 * spread. Null when there is no container or no such VN.
 */
export function roleSpread(state: ControllerState): RoleSpread | null {
  const health = stateVnHealth(state);
  const vns = health.vns.filter((vn) => health.eligible(vn));
  if (vns.length === 0) return null;
  let worst: RoleSpread | null = null;
  let worstWidth = -1;
  for (const container of Object.values(state.containers)) {
    const primaries = new Map(vns.map((vn) => [vn, 0]));
    const secondaries = new Map(vns.map((vn) => [vn, 0]));
    for (const slice of container.slices) {
      const p = primaries.get(slice.primary);
      if (p !== undefined) primaries.set(slice.primary, p + 1);
      const s = secondaries.get(slice.secondary);
      if (s !== undefined) secondaries.set(slice.secondary, s + 1);
    }
    const p = [...primaries.values()];
    const s = [...secondaries.values()];
    const spread: RoleSpread = {
      container: container.name,
      primariesMin: Math.min(...p), primariesMax: Math.max(...p),
      secondariesMin: Math.min(...s), secondariesMax: Math.max(...s),
      unbalanced: Math.max(...p) - Math.min(...p) > 1 || Math.max(...s) - Math.min(...s) > 1,
    };
    const width = Math.max(spread.primariesMax - spread.primariesMin, spread.secondariesMax - spread.secondariesMin);
    if (width > worstWidth) {
      worst = spread;
      worstWidth = width;
    }
  }
  return worst;
}

/** "primaries per VN 0..64, secondaries 0..70 (container default)". */
export function roleSpreadText(spread: RoleSpread): string {
  return `primaries per VN ${spread.primariesMin}..${spread.primariesMax}, secondaries ${spread.secondariesMin}..${spread.secondariesMax} (container ${spread.container})`;
}

/** Why the leader may not start a rebalance now (setting off, not calm), or null when it may. */
export function autoRebalanceBlocker(state: ControllerState): string | null {
  if (!state.settings.autoRebalance) return 'autoRebalance is off';
  if (state.availability !== 'online') return 'the cluster is offline';
  const running = runningOperation(state);
  if (running !== undefined) return `operation ${running.id} (${running.kind}) is running`;
  const notUp = Object.entries(state.nodeStates).filter(([, s]) => s !== 'up').map(([id, s]) => `${id} ${s}`);
  if (notUp.length > 0) return `not every node is up (${notUp.join(', ')})`;
  const failed = Object.entries(state.drives).filter(([, d]) => d.state !== 'ok').map(([id]) => id);
  if (failed.length > 0) return `drives failed: ${failed.join(', ')}`;
  for (const container of Object.values(state.containers)) {
    const exposed = container.slices.findIndex((s) => s.secondary === '' || s.learner !== undefined || !s.inSync.includes(s.primary) || !s.inSync.includes(s.secondary));
    if (exposed >= 0) return `slice ${container.name}/${exposed} is not fully in sync`;
  }
  return null;
}

/**
 * The leader's decision. `calmForMs`: how long this leader has seen the cluster calm and
 * unbalanced without a break (the caller restarts it on any break, on a new term, and after each
 * attempt, so a refused or finished attempt is not repeated before another full settle period).
 */
export function autoRebalanceDecision(state: ControllerState, calmForMs: number, timeMs: number): RebalanceCommand | null {
  if (calmForMs < AUTO_REBALANCE_SETTLE_MS) return null;
  if (autoRebalanceBlocker(state) !== null) return null;
  const spread = roleSpread(state);
  if (spread === null || !spread.unbalanced) return null;
  return { type: 'rebalance.start', actor: 'system', timeMs, reason: `auto-rebalance: ${roleSpreadText(spread)}` };
}

/** Whether the cluster is calm and unbalanced now: what the settle clock counts. */
export function autoRebalanceWanted(state: ControllerState): boolean {
  if (autoRebalanceBlocker(state) !== null) return false;
  return roleSpread(state)?.unbalanced === true;
}
