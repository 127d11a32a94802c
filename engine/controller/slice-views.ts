// Read-only views of a container's slice map for operators: a compact map, role counts per VN
// and the pairing matrix (how many slices each primary/secondary VN pair shares).

import type { ContainerRecord } from './state';

export interface CompactSliceMap {
  readonly vnIds: readonly string[];
  /** Per slice: index into vnIds of the primary, of the secondary, the epoch and in-sync count. */
  readonly primary: readonly number[];
  readonly secondary: readonly number[];
  readonly epoch: readonly number[];
  readonly inSyncCount: readonly number[];
}

export function compactSliceMap(container: ContainerRecord, vnIds: readonly string[]): CompactSliceMap {
  const indexOf = new Map(vnIds.map((id, i) => [id, i]));
  const lookup = (id: string): number => indexOf.get(id) ?? -1;
  return {
    vnIds,
    primary: container.slices.map((s) => lookup(s.primary)),
    secondary: container.slices.map((s) => lookup(s.secondary)),
    epoch: container.slices.map((s) => s.epoch),
    inSyncCount: container.slices.map((s) => s.inSync.length),
  };
}

export interface VnRoles {
  readonly vnId: string;
  readonly primaries: number;
  readonly secondaries: number;
}

export function vnRoles(container: ContainerRecord, vnIds: readonly string[]): VnRoles[] {
  const primaries = new Map<string, number>();
  const secondaries = new Map<string, number>();
  for (const s of container.slices) {
    primaries.set(s.primary, (primaries.get(s.primary) ?? 0) + 1);
    secondaries.set(s.secondary, (secondaries.get(s.secondary) ?? 0) + 1);
  }
  return vnIds.map((vnId) => ({ vnId, primaries: primaries.get(vnId) ?? 0, secondaries: secondaries.get(vnId) ?? 0 }));
}

/** matrix[p][s] = slices whose primary is vnIds[p] and secondary vnIds[s]. */
export function pairingMatrix(container: ContainerRecord, vnIds: readonly string[]): number[][] {
  const indexOf = new Map(vnIds.map((id, i) => [id, i]));
  const matrix = vnIds.map(() => vnIds.map(() => 0));
  for (const s of container.slices) {
    const p = indexOf.get(s.primary);
    const q = indexOf.get(s.secondary);
    const row = p === undefined ? undefined : matrix[p];
    if (row !== undefined && q !== undefined) row[q] = (row[q] ?? 0) + 1;
  }
  return matrix;
}
