// Validation of one requested slice reconfiguration: from a primary (drop an unreachable
// secondary from the in-sync set, add a rebuilt secondary or a copied migration target) or from
// the migration driver (assign a learner, switch roles among in-sync copies). The rules are the
// data plane's safety: an epoch must match (no lost update of the map), the primary must stay in
// the in-sync set, a new primary must come from the old in-sync set, and only the current
// primary may add a copy to the in-sync set (it is the one that copied it).

import type { SliceChange } from './commands';
import type { ContainerRecord, SliceEntry } from './state';

export function checkSliceChange(container: ContainerRecord | undefined, change: SliceChange): string | null {
  if (container === undefined) return `container: no container ${change.container}`;
  const slice = container.slices[change.slice];
  if (slice === undefined) return `slice: ${change.slice} is outside 0..${container.sliceCount - 1}`;
  if (slice.epoch !== change.expectedEpoch) return `expectedEpoch: slice ${change.container}/${change.slice} is at epoch ${slice.epoch}, not ${change.expectedEpoch}`;
  if (!change.inSync.includes(change.primary)) return `inSync: must contain the primary ${change.primary}`;
  if (change.primary === change.secondary) return 'secondary: must differ from the primary';
  const learner = change.learner;
  if (learner !== undefined && (learner === change.primary || learner === change.secondary || learner === '')) return 'learner: must be a third VN';
  for (const vn of change.inSync) if (vn !== change.primary && vn !== change.secondary && vn !== learner) return `inSync: ${vn} holds no role`;
  if (change.primary !== slice.primary && !slice.inSync.includes(change.primary)) return `primary: ${change.primary} is not in the in-sync set, it may miss acknowledged writes`;
  if (change.secondary !== slice.secondary && change.inSync.includes(change.secondary) && !slice.inSync.includes(change.secondary)) {
    return `secondary: ${change.secondary} is not in the in-sync set yet`;
  }
  const added = change.inSync.filter((vn) => !slice.inSync.includes(vn));
  if (added.length > 0 && change.primary !== slice.primary) return 'inSync: copies can be added only by an unchanged primary';
  for (const vn of added) {
    const rebuiltSecondary = vn === slice.secondary && vn === change.secondary;
    const copiedLearner = vn === slice.learner && vn === learner;
    if (!rebuiltSecondary && !copiedLearner) return 'inSync: the added copy must be the current secondary or the current learner';
  }
  return null;
}

export function appliedSliceChange(slice: SliceEntry, change: SliceChange): SliceEntry {
  const next = { primary: change.primary, secondary: change.secondary, epoch: slice.epoch + 1, inSync: [...change.inSync] };
  return change.learner === undefined ? next : { ...next, learner: change.learner };
}
