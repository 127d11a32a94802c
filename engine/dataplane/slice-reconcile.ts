// Restart reconciliation of one slice by its primary, before it serves: first pull what each
// in-sync partner holds above this copy's durable sync mark (merged by stamp), then push every
// record of ours above it, so nothing the primary might serve exists on one copy only.

import type { Stamp } from './object-record';
import { compareStamps } from './object-record';
import { REPL_FETCH } from './messages';
import { REPL_RESEND_MS, type PrimarySlice } from './primary-slice';
import { mergeItemWrites } from './slice-store';
import { slicePrefix } from './store-keys';

export interface Reconcile {
  /**
   * 'pull' first: take the partner's records stamped above the sync mark (`cursor` is a slice
   * key); then 'push': send ours (`cursor` is a store key).
   */
  phase: 'pull' | 'push';
  /** Which in-sync partner the pull is at. */
  pullIndex: number;
  cursor: string;
  inFlight: boolean;
  sentAtMs: number;
}

export function stepReconcile(s: PrimarySlice, nowMs: number): void {
  const reconcile = s.reconcile;
  const partners = s.inSyncPartners();
  if (reconcile === undefined || partners.length === 0) return;
  if (reconcile.inFlight && nowMs - reconcile.sentAtMs < REPL_RESEND_MS * 4) return;
  const since = s.meta?.synced ?? { epoch: 0, counter: 0 };
  if (reconcile.phase === 'pull') {
    // Pull from each in-sync partner in turn (a migration target is one too).
    const partner = partners[reconcile.pullIndex];
    if (partner !== undefined) {
      pullChunk(s, reconcile, partner, since, nowMs);
      return;
    }
    reconcile.phase = 'push';
    reconcile.cursor = slicePrefix(s.seedHex, s.slice);
  }
  const { items, next } = s.scanChunk(reconcile.cursor, (record) => compareStamps(record.stamp, since) > 0);
  reconcile.inFlight = true;
  reconcile.sentAtMs = nowMs;
  const finish = (): void => {
    if (next === null) {
      s.reconcile = undefined;
      if (s.status === 'activating') s.status = 'active';
    } else {
      reconcile.cursor = next;
    }
    reconcile.inFlight = false;
    s.tick();
  };
  if (items.length === 0) {
    finish();
    return;
  }
  // Every other in-sync copy must hold what this primary might serve.
  const waiting = new Set(partners);
  for (const partner of partners) {
    s.sendItems(partner, items, (ack) => {
      if (!ack.ok || s.reconcile !== reconcile || !waiting.delete(partner)) return;
      if (waiting.size === 0) finish();
    });
  }
}

/**
 * Restart, first half: the partner may hold records stamped above the sync mark that this copy
 * lacks (a write replicated while its local commit was lost to the crash, with its dedup
 * record). Take them, merged by stamp, before serving: otherwise the two copies disagree on
 * what the key holds, and a retry answered from the partner's dedup record reports a version
 * that this primary gives to another write.
 */
export function pullChunk(s: PrimarySlice, reconcile: Reconcile, partner: string, since: Stamp, nowMs: number): void {
  const node = s.ctx.nodeOfVn(partner);
  if (node === undefined) return;
  const from = reconcile.cursor;
  reconcile.inFlight = true;
  reconcile.sentAtMs = nowMs;
  const index = reconcile.pullIndex;
  const current = (): boolean => s.reconcile === reconcile && reconcile.phase === 'pull' && reconcile.pullIndex === index && reconcile.cursor === from;
  s.ctx.sendToReplica(node, (id) => ({ kind: REPL_FETCH, id, container: s.container, slice: s.slice, epoch: s.entry.epoch, fromVn: s.vn, toVn: partner, keys: [], since, from }), (ack) => {
    // Refused (the partner is behind, say): resent after the resend interval, like a push.
    if (!ack.ok || !current()) return;
    s.store().commit(mergeItemWrites(s.store(), s.seedHex, s.slice, ack.items ?? []), (result) => {
      if (!result.ok) {
        s.ctx.fatal(`reconcile write failed: ${result.error}`, s.store());
        return;
      }
      if (!current()) return;
      if (ack.next === undefined) {
        reconcile.pullIndex++;
        reconcile.cursor = '';
      } else {
        reconcile.cursor = ack.next;
      }
      reconcile.inFlight = false;
      s.tick();
    });
  });
}
