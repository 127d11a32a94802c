// Placement's vocabulary: the VNs a map is built over and the map itself.

export interface PlacementVn {
  readonly id: string;
  readonly nodeId: string;
}

/** The two roles of one slice. */
export interface SliceRoles {
  readonly primary: string;
  readonly secondary: string;
}

/** Index = slice number. */
export type SliceMap = readonly SliceRoles[];

export class PlacementError extends Error {
  override readonly name = 'PlacementError';
}

/**
 * Which placement algorithm computes a map. Maps are computed inside the apply of committed
 * commands, and a restarted node computes them again when it replays its log: a replayed entry
 * must give the map it gave the first time, since the data on the drives follows that one. So a
 * change to the choices is a new version, recorded by the cluster at bootstrap and kept for life.
 *   1: the original algorithm.
 *   2: initial maps spread each node's slices over every other node (node-pair tie-break), and
 *      re-protection places each lost copy where balance needs it (reprotect.ts).
 */
export type PlacementVersion = 1 | 2;
export const PLACEMENT_VERSION_CURRENT: PlacementVersion = 2;
export const PLACEMENT_VERSIONS: readonly PlacementVersion[] = [1, 2];

export const SLICE_COUNT_MIN = 64;
export const SLICE_COUNT_MAX = 65_536;
export const NODES_MIN = 2;

export function checkPlacementInput(vns: readonly PlacementVn[], sliceCount: number): void {
  if (!Number.isInteger(sliceCount) || sliceCount < SLICE_COUNT_MIN || sliceCount > SLICE_COUNT_MAX || (sliceCount & (sliceCount - 1)) !== 0) {
    throw new PlacementError(`slices: must be a power of two in ${SLICE_COUNT_MIN}..${SLICE_COUNT_MAX} (found ${sliceCount})`);
  }
  const ids = new Set<string>();
  for (const vn of vns) {
    if (ids.has(vn.id)) throw new PlacementError(`vns: duplicate VN id ${vn.id}`);
    ids.add(vn.id);
  }
  const nodes = new Set(vns.map((v) => v.nodeId));
  if (nodes.size < NODES_MIN) throw new PlacementError(`nodes: need VNs on at least ${NODES_MIN} nodes to keep two copies apart (found ${nodes.size})`);
}
