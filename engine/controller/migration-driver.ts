// The migration driver: run by the controller leader with each heartbeat, it moves the slices
// of the running operation towards their target roles, a bounded number at a time. Pure: it
// reads the committed state and proposes `slices.reconfigure` changes; every move is then the
// same three committed steps, each fenced by the slice's epoch:
//
//   1. assign a learner: the target VN that holds no copy yet becomes a third, not-in-sync copy;
//   2. its primary copies the slice to it while writes keep flowing to every copy, then (as the
//      unchanged primary) asks to add it to the in-sync set;
//   3. switch roles among the in-sync copies and drop the one that leaves (the driver).
//
// A slice whose two roles are both in the target but swapped needs only step 3. A slice that is
// degraded (its secondary not in sync, a copy's node down) waits until it is re-protected.
// Failover drops learners, so a move interrupted by a failure starts again from step 1.

import type { SliceChange } from './commands';
import type { ClusterOperation, ControllerState, SliceEntry, TargetRoles } from './state';
import { stateVnHealth, type VnHealth } from './vn-health';

/** Copies in flight whose source primary is on one node (each one is a slice being copied). */
export const MIGRATION_COPIES_PER_NODE_MAX = 64;
/** Changes in one proposal. */
export const MIGRATION_CHANGES_PER_PROPOSAL_MAX = 128;

function mismatches(entry: SliceEntry, target: TargetRoles): number {
  return (entry.primary === target[0] ? 0 : 1) + (entry.secondary === target[1] ? 0 : 1);
}

/** Target VNs of a slice that hold no copy of it yet: the copies still to make. */
function copiesToMake(entry: SliceEntry, target: TargetRoles): number {
  const held = [entry.primary, entry.secondary];
  return (held.includes(target[0]) ? 0 : 1) + (held.includes(target[1]) ? 0 : 1);
}

/** `count` summed over every slice the operation targets. */
function sumOverTargets(state: ControllerState, operation: ClusterOperation, count: (entry: SliceEntry, target: TargetRoles) => number): number {
  let sum = 0;
  for (const [name, targets] of Object.entries(operation.targets)) {
    state.containers[name]?.slices.forEach((entry, slice) => {
      const target = targets[slice];
      if (target !== undefined) sum += count(entry, target);
    });
  }
  return sum;
}

/**
 * Slice copies still to make for the operation: the unit of its progress, since copies are
 * what costs (bytes over the network); switching roles among copies already held is a
 * metadata change.
 */
export function remainingCopies(state: ControllerState, operation: ClusterOperation): number {
  return sumOverTargets(state, operation, copiesToMake);
}

/** Roles not yet at their target (0 once every slice holds its target roles): what must reach 0 to finish. */
export function remainingRoleChanges(state: ControllerState, operation: ClusterOperation): number {
  return sumOverTargets(state, operation, mismatches);
}

export interface MigrationProgress {
  /** Slice copies still to make. */
  readonly remainingMoves: number;
  /** Slices being copied now. */
  readonly copying: number;
  /** Slices that cannot move now (degraded, or a target VN that is not eligible). */
  readonly blocked: number;
}

export interface MigrationDecision {
  readonly changes: readonly SliceChange[];
  readonly progress: MigrationProgress;
  /** Every slice is at its target and no learner is left: the operation may finish. */
  readonly complete: boolean;
}

/**
 * The second copy for `primary` among the holders after a copy completed: the target's
 * secondary when it is held, otherwise a holder on another node (the old secondary first).
 */
function switchedSecondary(primary: string, holders: readonly string[], target: TargetRoles, entry: SliceEntry, health: VnHealth): string | undefined {
  const node = health.nodeOf(primary);
  const candidates = [target[1], entry.secondary, entry.primary, ...holders];
  return candidates.find((vn) => vn !== primary && holders.includes(vn) && health.nodeOf(vn) !== node && health.serving(vn));
}

/**
 * The next changes for the running operation. `isLive(nodeId)`: the leader hears the node now
 * (a learner is assigned only on a node that is up and heartbeating).
 */
export function nextMigrationChanges(state: ControllerState, operation: ClusterOperation, isLive: (nodeId: string) => boolean): MigrationDecision {
  const health = stateVnHealth(state);
  const copiesFrom = new Map<string, number>();
  const changes: SliceChange[] = [];
  const candidates: Array<{ container: string; slice: number; entry: SliceEntry; target: TargetRoles }> = [];
  let remaining = 0;
  let remainingCopyCount = 0;
  let copying = 0;
  let blocked = 0;
  let learners = 0;
  const full = (): boolean => changes.length >= MIGRATION_CHANGES_PER_PROPOSAL_MAX;
  for (const [name, targets] of Object.entries(operation.targets)) {
    const container = state.containers[name];
    if (container === undefined) continue;
    container.slices.forEach((entry, slice) => {
      const target = targets[slice];
      if (target === undefined) return;
      remaining += mismatches(entry, target);
      remainingCopyCount += copiesToMake(entry, target);
      if (entry.learner !== undefined) {
        learners++;
        if (!entry.inSync.includes(entry.learner)) {
          copying++;
          const source = health.nodeOf(entry.primary) ?? '';
          copiesFrom.set(source, (copiesFrom.get(source) ?? 0) + 1);
          return;
        }
        // Step 3: the learner is a complete copy; switch roles among the three in-sync copies.
        if (full()) return;
        const holders = [entry.primary, entry.secondary, entry.learner];
        const primary = holders.includes(target[0]) && health.serving(target[0]) ? target[0] : entry.primary;
        const secondary = switchedSecondary(primary, holders, target, entry, health);
        if (secondary === undefined) {
          blocked++;
          return;
        }
        changes.push({ container: name, slice, expectedEpoch: entry.epoch, primary, secondary, inSync: [primary, secondary], reason: 'migration: roles switched' });
        return;
      }
      if (mismatches(entry, target) === 0) return;
      candidates.push({ container: name, slice, entry, target });
    });
  }
  for (const { container, slice, entry, target } of candidates) {
    if (full()) break;
    const healthy = entry.secondary !== '' && entry.inSync.includes(entry.primary) && entry.inSync.includes(entry.secondary)
      && health.serving(entry.primary) && health.serving(entry.secondary);
    if (!healthy) {
      blocked++;
      continue;
    }
    const held = [entry.primary, entry.secondary];
    if (held.includes(target[0]) && held.includes(target[1])) {
      // Both copies are where they should be, in the other roles: swap them (no data moves).
      changes.push({ container, slice, expectedEpoch: entry.epoch, primary: target[0], secondary: target[1], inSync: [target[0], target[1]], reason: 'migration: roles swapped' });
      continue;
    }
    const learner = target.find((vn) => !held.includes(vn));
    if (learner === undefined || !health.eligible(learner) || !isLive(health.nodeOf(learner) ?? '')) {
      blocked++;
      continue;
    }
    const source = health.nodeOf(entry.primary) ?? '';
    if ((copiesFrom.get(source) ?? 0) >= MIGRATION_COPIES_PER_NODE_MAX) continue;
    copiesFrom.set(source, (copiesFrom.get(source) ?? 0) + 1);
    changes.push({ container, slice, expectedEpoch: entry.epoch, primary: entry.primary, secondary: entry.secondary, inSync: [...entry.inSync], learner, reason: `migration: copy to ${learner}` });
  }
  return { changes, progress: { remainingMoves: remainingCopyCount, copying, blocked }, complete: remaining === 0 && learners === 0 };
}
