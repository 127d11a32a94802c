// A replication channel: ships the change stream from the active region to the passive one.
// Two run, on different nodes; both read the passive region's durable applied positions and
// send what follows, so either can stop at any point and the other resumes with no gap and no
// record applied twice (the applier skips what it has). Only one sends at a time: the backup
// stays quiet while the positions advance, and takes over when changes are pending and nothing
// has advanced for `takeoverAfterMs` (default 3 s). A channel that sees the other one making
// progress again steps back.
//
// Pure: the caller gives the time, the positions it read from the passive region, and carries
// the batches this returns.

import { CHANGE_BATCH_RECORDS_MAX, type ChangeLog, type ChangeRecord } from './change-log';

/** Default: the backup channel takes over after this long without progress while changes wait. */
export const CHANNEL_TAKEOVER_AFTER_MS_DEFAULT = 3_000;

export type ChannelSend =
  | { readonly kind: 'batch'; readonly slice: number; readonly records: readonly ChangeRecord[] }
  | { readonly kind: 'gap'; readonly slice: number; readonly appliedPosition: number; readonly firstRetained: number; readonly head: number };

export class ChangeChannel {
  private sending: boolean;
  private lastProgressAtMs: number;
  private lastAppliedTotal = -1;
  private takeovers = 0;

  constructor(
    readonly name: string,
    role: 'active' | 'backup',
    nowMs: number,
    private readonly takeoverAfterMs = CHANNEL_TAKEOVER_AFTER_MS_DEFAULT,
  ) {
    this.sending = role === 'active';
    this.lastProgressAtMs = nowMs;
  }

  isSending(): boolean {
    return this.sending;
  }

  takeoverCount(): number {
    return this.takeovers;
  }

  /**
   * One round: `applied` is the passive region's durable position per slice as this channel
   * last read it, `appliedBy` which channel applied the last batch. Returns what to send.
   */
  round(nowMs: number, log: ChangeLog, applied: (slice: number) => number, appliedBy: string | null, maxRecords = CHANGE_BATCH_RECORDS_MAX): ChannelSend[] {
    let appliedTotal = 0;
    let pending = false;
    for (const slice of log.slicesWithRecords()) {
      const position = applied(slice);
      appliedTotal += position;
      if (log.head(slice) > position) pending = true;
    }
    if (appliedTotal !== this.lastAppliedTotal) {
      this.lastAppliedTotal = appliedTotal;
      this.lastProgressAtMs = nowMs;
      // Progress made by the other channel: it is alive, so this one steps back.
      if (this.sending && appliedBy !== null && appliedBy !== this.name) this.sending = false;
    }
    if (!pending) {
      this.lastProgressAtMs = nowMs;
      return [];
    }
    if (!this.sending) {
      if (nowMs - this.lastProgressAtMs < this.takeoverAfterMs) return [];
      this.sending = true;
      this.takeovers++;
    }
    const sends: ChannelSend[] = [];
    for (const slice of log.slicesWithRecords()) {
      const position = applied(slice);
      if (log.head(slice) <= position) continue;
      const read = log.read(slice, position, maxRecords);
      if (read.kind === 'gap') sends.push({ kind: 'gap', slice, appliedPosition: position, firstRetained: read.firstRetained, head: read.head });
      else if (read.records.length > 0) sends.push({ kind: 'batch', slice, records: read.records });
    }
    return sends;
  }
}
