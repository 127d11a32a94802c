// Re-protection of one slice by its primary: a copy that is not in the in-sync set (a secondary
// after a failure, a migration target) is wiped, copied chunk by chunk under the copy throttle
// while every new write also goes to it, and then added to the in-sync set by a Raft command
// that names the epoch it was copied at (docs/DESIGN.md §5). The fence of primary-slice.ts keeps
// a restarted primary from wiping a copy an earlier run may have vouched for.

import { REPL_BEGIN } from './messages';
import { REBUILD_STALL_MS, REPL_RESEND_MS, RETRY_BACKOFF_MS, type PrimarySlice } from './primary-slice';
import { slicePrefix } from './store-keys';

export interface Rebuild {
  readonly target: string;
  readonly id: string;
  phase: 'begin' | 'copy' | 'finishing';
  /** Next store key to copy from. */
  cursor: string;
  inFlight: boolean;
  lastProgressMs: number;
  notBeforeMs: number;
}

export function needsRebuild(s: PrimarySlice): boolean {
  return s.status === 'active' && s.rebuildTarget() !== undefined;
}

export function stepRebuild(s: PrimarySlice, nowMs: number): void {
  if (!needsRebuild(s)) {
    s.rebuild = undefined;
    return;
  }
  let rebuild = s.rebuild;
  const target = s.rebuildTarget();
  if (target === undefined) return;
  if (rebuild === undefined) {
    rebuild = { target, id: `${s.vn}:${s.ctx.nodeId}:${s.entry.epoch}:${++s.rebuildSeq}:${nowMs}`, phase: 'begin', cursor: slicePrefix(s.seedHex, s.slice), inFlight: false, lastProgressMs: nowMs, notBeforeMs: 0 };
    s.rebuild = rebuild;
  }
  if (nowMs < rebuild.notBeforeMs) return;
  if (rebuild.phase !== 'finishing' && nowMs - rebuild.lastProgressMs > REBUILD_STALL_MS) {
    // The target is not in the in-sync set, so writes may stop waiting for it.
    s.rebuild = undefined;
    for (const [id, write] of s.pending) s.maybeComplete(id, write);
    s.rebuild = { ...rebuild, id: `${rebuild.id}+`, phase: 'begin', cursor: slicePrefix(s.seedHex, s.slice), inFlight: false, lastProgressMs: nowMs + RETRY_BACKOFF_MS, notBeforeMs: nowMs + RETRY_BACKOFF_MS };
    return;
  }
  if (rebuild.inFlight) return;
  const current = rebuild;
  const node = s.ctx.nodeOfVn(current.target);
  if (node === undefined) return;
  current.inFlight = true;
  const progressed = (): void => {
    current.inFlight = false;
    current.lastProgressMs = s.ctx.nowMs();
  };
  if (current.phase === 'begin') {
    s.ctx.sendToReplica(node, (id) => ({ kind: REPL_BEGIN, id, container: s.container, slice: s.slice, epoch: s.entry.epoch, fromVn: s.vn, toVn: current.target, rebuildId: current.id }), (ack) => {
      if (s.rebuild !== current) return;
      if (ack.ok) {
        current.phase = 'copy';
        progressed();
        // Writes already in flight did not include the target; send them now.
        for (const [id, write] of s.pending) s.replicate(id, write);
      } else {
        current.inFlight = false;
      }
    });
    s.ctx.schedule(REPL_RESEND_MS * 4, () => { if (s.rebuild === current && current.phase === 'begin') current.inFlight = false; });
    return;
  }
  if (current.phase === 'copy') {
    const { items, next } = s.scanChunk(current.cursor, () => true);
    const bytes = items.reduce((sum, item) => sum + item.key.length + item.record.length, 0);
    if (!s.ctx.takeCopyBudget(bytes)) {
      // Throttled: try again on a later tick; the target is not idle by its own fault.
      current.inFlight = false;
      current.lastProgressMs = s.ctx.nowMs();
      return;
    }
    const advance = (): void => {
      if (s.rebuild !== current) return;
      progressed();
      if (next === null) current.phase = 'finishing';
      else current.cursor = next;
      s.tick();
    };
    if (items.length === 0) {
      advance();
      return;
    }
    s.sendItems(current.target, items, (ack) => {
      if (ack.ok) advance();
      else if (s.rebuild === current) current.inFlight = false;
    });
    s.ctx.schedule(REPL_RESEND_MS * 4, () => { if (s.rebuild === current && current.inFlight && current.phase === 'copy') current.inFlight = false; });
    return;
  }
  // finishing: every record is on the target and every later write waits for it; ask the
  // controller to add it to the in-sync set.
  const epoch = s.entry.epoch;
  const { secondary, learner, inSync } = s.entry;
  const change = current.target === secondary
    ? { container: s.container, slice: s.slice, expectedEpoch: epoch, primary: s.vn, secondary, inSync: [s.vn, secondary], reason: 're-protection complete' }
    : { container: s.container, slice: s.slice, expectedEpoch: epoch, primary: s.vn, secondary, inSync: [...inSync, current.target], ...(learner === undefined ? {} : { learner }), reason: 'migration: copy complete' };
  const propose = (): void => {
    s.ctx.propose({ type: 'slices.reconfigure', actor: 'system', timeMs: s.ctx.wallMs(), changes: [change] }, (result) => {
      if (s.rebuild !== current) return;
      if (!result.ok) current.notBeforeMs = s.ctx.nowMs() + RETRY_BACKOFF_MS;
      current.inFlight = false;
    });
  };
  s.addProposedHereEpoch = epoch;
  if (s.meta?.addProposedEpoch === epoch) {
    propose();
    return;
  }
  // The marker is durable before the add can be in the log (see mayBeVouchedByEarlierAdd).
  s.meta = { reserved: s.reserved, synced: s.meta?.synced ?? { epoch: 0, counter: 0 }, addProposedEpoch: epoch };
  s.store().commit([s.metaWrite()], (result) => {
    if (!result.ok) {
      s.ctx.fatal(`slice meta write failed: ${result.error}`, s.store());
      return;
    }
    if (s.rebuild !== current) return;
    propose();
  });
}
