// Copies still to be made onto each VN by the running operation: a replaced drive starts empty
// and a rebalance gives its VNs their roles back one copy at a time, so until those copies are
// made the drive is rebuilding, not "ok".
import type { ControllerState } from '../../engine/controller/state';

/** Per VN id: slices whose target gives it a role it does not hold in sync yet. */
export function pendingCopiesByVn(state: ControllerState): Map<string, number> {
  const pending = new Map<string, number>();
  const running = state.operations.find((op) => op.state === 'running');
  if (running === undefined) return pending;
  for (const [name, targets] of Object.entries(running.targets)) {
    const slices = state.containers[name]?.slices;
    if (slices === undefined) continue;
    targets.forEach((target, slice) => {
      const inSync = slices[slice]?.inSync ?? [];
      for (const vn of new Set(target)) if (!inSync.includes(vn)) pending.set(vn, (pending.get(vn) ?? 0) + 1);
    });
  }
  return pending;
}

/** Copies still to make onto the VNs of each drive (0 when none), for the drives' views. */
export function pendingCopiesOfDrive(pending: ReadonlyMap<string, number>, vnIds: readonly string[]): number {
  return vnIds.reduce((sum, vn) => sum + (pending.get(vn) ?? 0), 0);
}

/** Per VN id: slices it holds an in-sync copy of, over every container. */
export function copiesHeldByVn(state: ControllerState): Map<string, number> {
  const held = new Map<string, number>();
  for (const container of Object.values(state.containers)) {
    for (const entry of container.slices) for (const vn of entry.inSync) held.set(vn, (held.get(vn) ?? 0) + 1);
  }
  return held;
}
