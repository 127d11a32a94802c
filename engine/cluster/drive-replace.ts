// The drive-replace check: a drive is swapped for an empty one only once no slice counts on a
// copy on it. Swapping it earlier would hand its node an empty drive under VNs it still serves
// (seed 6457953: a primary read an empty slice before it noticed the death).

import type { ControllerState } from '../controller/state';

/** The VNs placed on the drive in the committed topology. */
export function vnsOnDrive(state: ControllerState, driveId: string): Set<string> {
  return new Set(state.topology.nodes.flatMap((n) => n.vns).filter((v) => v.driveId === driveId).map((v) => v.id));
}

/** Slices whose committed in-sync set still holds a copy on the drive. */
export function slicesCountingOnDrive(state: ControllerState, driveId: string): number {
  const vns = vnsOnDrive(state, driveId);
  let count = 0;
  for (const container of Object.values(state.containers)) {
    for (const slice of container.slices) if (slice.inSync.some((vn) => vns.has(vn))) count++;
  }
  return count;
}
