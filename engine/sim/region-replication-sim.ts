// A seeded world for the change stream between two regions: the active region commits writes
// to its slices and keeps them in a ChangeLog; two channels (active and backup, on different
// nodes) ship them over a lossy, delaying link; the passive region applies them with a
// ChangeApplier whose store commits rows and position atomically. Faults: the active channel
// stalls (a stuck shipper), the passive region restarts (in-flight messages lost, durable state
// kept), messages are lost, and a small retention bound makes records drop before they are
// shipped (a gap, then a resync). Checks: positions never go back, no record is applied twice,
// the passive copy of every slice equals the source at the applied position (fingerprints),
// and once writes stop everything is applied.

import { ChangeApplier, type AppliedBatch, type ApplierStore } from '../region/change-applier';
import { ChangeChannel, type ChannelSend } from '../region/change-channel';
import { ChangeLog, type ChangeRecord } from '../region/change-log';
import { EventQueue } from './event-queue';
import { SeededRandom } from './prng';

export interface RegionReplicationSimConfig {
  readonly seed: number;
  readonly slices: number;
  readonly keys: number;
  readonly writesPerSecond: number;
  readonly writeForMs: number;
  readonly durationMs: number;
  readonly linkDelayMaxMs: number;
  readonly lossRate: number;
  readonly roundIntervalMs: number;
  readonly takeoverAfterMs: number;
  /** Small values force records to drop before they are shipped while a channel stalls. */
  readonly retainedBytesMax: number;
  readonly stallActiveChannel: boolean;
  readonly restartPassive: boolean;
  /** Builds the applier; tests pass a broken one to prove the checks can fail. */
  readonly makeApplier?: (store: ApplierStore) => ChangeApplier;
}

export const REGION_REPLICATION_SIM_DEFAULTS: Omit<RegionReplicationSimConfig, 'seed'> = {
  slices: 16,
  keys: 200,
  writesPerSecond: 500,
  writeForMs: 20_000,
  durationMs: 40_000,
  linkDelayMaxMs: 50,
  lossRate: 0.05,
  roundIntervalMs: 100,
  takeoverAfterMs: 3_000,
  retainedBytesMax: 64 * 1024 * 1024,
  stallActiveChannel: true,
  restartPassive: true,
};

export interface RegionReplicationSimResult {
  readonly violations: readonly string[];
  readonly writes: number;
  readonly appliedRecords: number;
  readonly takeovers: number;
  readonly gaps: number;
  readonly resyncs: number;
  readonly lagMsP50: number;
  readonly lagMsP99: number;
  readonly allApplied: boolean;
}

class MemApplierStore implements ApplierStore {
  readonly positions = new Map<number, number>();
  readonly rows = new Map<number, Map<string, { version: number; value: Uint8Array }>>();
  constructor(private readonly onCommit: (batch: AppliedBatch, previous: number) => void) {}
  appliedPosition(slice: number): number {
    return this.positions.get(slice) ?? 0;
  }
  commit(batch: AppliedBatch): void {
    const previous = this.appliedPosition(batch.slice);
    const rows = batch.replaceSlice ? new Map<string, { version: number; value: Uint8Array }>() : (this.rows.get(batch.slice) ?? new Map<string, { version: number; value: Uint8Array }>());
    for (const put of batch.puts) rows.set(put.key, { version: put.version, value: put.value });
    for (const key of batch.deletes) rows.delete(key);
    this.rows.set(batch.slice, rows);
    this.positions.set(batch.slice, batch.appliedPosition);
    this.onCommit(batch, previous);
  }
}

function fingerprint(rows: ReadonlyMap<string, { version: number; value: Uint8Array }>): string {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, r]) => `${k}@${r.version}:${r.value.join(',')}`).join('|');
}

export function runRegionReplicationSim(config: RegionReplicationSimConfig): RegionReplicationSimResult {
  const random = new SeededRandom(config.seed);
  const queue = new EventQueue();
  const violations: string[] = [];
  const log = new ChangeLog(config.retainedBytesMax);
  // The source's full history per slice (never trimmed), to rebuild its state at any position.
  const history = new Map<number, ChangeRecord[]>();
  const source = new Map<number, Map<string, { version: number; value: Uint8Array }>>();
  const versions = new Map<string, number>();
  const committedAt = new Map<string, number>();
  const lags: number[] = [];
  let appliedTotal = 0;
  let resyncs = 0;

  const stateAt = (slice: number, position: number): Map<string, { version: number; value: Uint8Array }> => {
    const rows = new Map<string, { version: number; value: Uint8Array }>();
    for (const record of history.get(slice) ?? []) {
      if (record.position > position) break;
      if (record.value === null) rows.delete(record.key);
      else rows.set(record.key, { version: record.version, value: record.value });
    }
    return rows;
  };

  let appliedBy: string | null = null;
  let sendingChannel = '';
  const store = new MemApplierStore((batch, previous) => {
    if (batch.appliedPosition < previous) violations.push(`slice ${batch.slice}: applied position went back from ${previous} to ${batch.appliedPosition}`);
    if (!batch.replaceSlice) {
      appliedTotal += batch.appliedPosition - previous;
      for (let p = previous + 1; p <= batch.appliedPosition; p++) {
        const at = committedAt.get(`${batch.slice}:${p}`);
        if (at !== undefined) lags.push(queue.nowMs() - at);
      }
    }
    appliedBy = sendingChannel;
  });
  const applier = config.makeApplier?.(store) ?? new ChangeApplier(store);
  let passiveUp = true;
  let passiveIncarnation = 0;

  // Writes on the active region.
  const writeGapMs = 1_000 / config.writesPerSecond;
  let writes = 0;
  const write = (): void => {
    const now = queue.nowMs();
    if (now >= config.writeForMs) return;
    const key = `k${random.nextInt(config.keys)}`;
    const slice = Number.parseInt(key.slice(1), 10) % config.slices;
    const version = (versions.get(key) ?? 0) + 1;
    versions.set(key, version);
    const value = random.nextFloat() < 0.1 ? null : Uint8Array.of(random.nextInt(256), version & 255);
    const record = log.append(slice, key, version, value, now);
    const list = history.get(slice) ?? [];
    list.push(record);
    history.set(slice, list);
    committedAt.set(`${slice}:${record.position}`, now);
    const rows = source.get(slice) ?? new Map<string, { version: number; value: Uint8Array }>();
    if (value === null) rows.delete(key);
    else rows.set(key, { version, value });
    source.set(slice, rows);
    writes++;
    queue.schedule(now + writeGapMs * (0.5 + random.nextFloat()), write);
  };
  queue.schedule(0, write);

  const delay = (): number => 1 + random.nextInt(config.linkDelayMaxMs);
  const lost = (): boolean => random.nextFloat() < config.lossRate;

  // The passive region: receives batches, gaps and resyncs; answers positions.
  const deliver = (from: string, send: ChannelSend): void => {
    if (!passiveUp) return;
    if (send.kind === 'batch') {
      sendingChannel = from;
      const outcome = applier.apply(send.slice, send.records);
      if (outcome.kind === 'applied' && outcome.records > 0) {
        // The ack travels back; the source forgets what is durable on the passive side.
        const position = outcome.appliedPosition;
        if (!lost()) queue.schedule(queue.nowMs() + delay(), () => log.trim(send.slice, position));
      }
      return;
    }
    applier.reportGap({ slice: send.slice, appliedPosition: send.appliedPosition, firstRetained: send.firstRetained, head: send.head });
    // Resync: the source sends the slice's whole state at its head (in a real cluster a scan
    // of the slice's primary), which replaces the passive copy.
    const head = log.head(send.slice);
    const rows = [...stateAt(send.slice, head).entries()].map(([key, r]) => ({ key, version: r.version, value: r.value }));
    queue.schedule(queue.nowMs() + delay() * 4, () => {
      if (!passiveUp || store.appliedPosition(send.slice) >= head) return;
      sendingChannel = from;
      applier.resync(send.slice, head, rows);
      resyncs++;
      log.trim(send.slice, head);
    });
  };

  const channels = [new ChangeChannel('channel-1', 'active', 0, config.takeoverAfterMs), new ChangeChannel('channel-2', 'backup', 0, config.takeoverAfterMs)];
  const stalled = new Set<string>();
  for (const channel of channels) {
    const round = (): void => {
      queue.schedule(queue.nowMs() + config.roundIntervalMs, round);
      if (stalled.has(channel.name) || !passiveUp) return;
      // Read the passive region's positions (a round trip), then send what follows.
      const incarnation = passiveIncarnation;
      if (lost()) return;
      queue.schedule(queue.nowMs() + delay(), () => {
        if (!passiveUp || incarnation !== passiveIncarnation) return;
        const positions = new Map(log.slicesWithRecords().map((s) => [s, store.appliedPosition(s)]));
        const by = appliedBy;
        queue.schedule(queue.nowMs() + delay(), () => {
          const sends = channel.round(queue.nowMs(), log, (s) => positions.get(s) ?? 0, by);
          for (const send of sends) {
            if (lost()) continue;
            queue.schedule(queue.nowMs() + delay(), () => { if (incarnation === passiveIncarnation) deliver(channel.name, send); });
          }
        });
      });
    };
    queue.schedule(random.nextInt(config.roundIntervalMs), round);
  }

  if (config.stallActiveChannel) {
    const at = 3_000 + random.nextInt(8_000);
    queue.schedule(at, () => stalled.add('channel-1'));
    queue.schedule(at + 5_000 + random.nextInt(5_000), () => stalled.delete('channel-1'));
  }
  if (config.restartPassive) {
    const at = 2_000 + random.nextInt(15_000);
    queue.schedule(at, () => { passiveUp = false; passiveIncarnation++; });
    queue.schedule(at + 500 + random.nextInt(2_000), () => { passiveUp = true; });
  }

  // Spot checks while running: the passive copy equals the source at the applied position.
  // Positions only grow, so the source's state is replayed forward incrementally.
  const replayed = new Map<number, { position: number; rows: Map<string, { version: number; value: Uint8Array }> }>();
  const sourceAt = (slice: number, position: number): Map<string, { version: number; value: Uint8Array }> => {
    const state = replayed.get(slice) ?? { position: 0, rows: new Map<string, { version: number; value: Uint8Array }>() };
    const list = history.get(slice) ?? [];
    for (let p = state.position + 1; p <= position; p++) {
      const record = list[p - 1];
      if (record === undefined) break;
      if (record.value === null) state.rows.delete(record.key);
      else state.rows.set(record.key, { version: record.version, value: record.value });
      state.position = p;
    }
    replayed.set(slice, state);
    return state.rows;
  };
  const check = (): void => {
    for (const slice of history.keys()) {
      const position = store.appliedPosition(slice);
      const passive = store.rows.get(slice) ?? new Map<string, { version: number; value: Uint8Array }>();
      if (fingerprint(passive) !== fingerprint(sourceAt(slice, position))) violations.push(`t=${queue.nowMs()} slice ${slice}: passive copy differs from the source at position ${position}`);
    }
    if (queue.nowMs() + 1_000 < config.durationMs) queue.schedule(queue.nowMs() + 1_000, check);
  };
  queue.schedule(500, check);

  queue.runUntil(config.durationMs);
  let allApplied = true;
  for (const slice of history.keys()) if (store.appliedPosition(slice) !== log.head(slice)) allApplied = false;
  if (!allApplied) violations.push('writes stopped long ago but not every slice is applied through its head');
  check();
  const expectedApplied = [...history.values()].reduce((sum, list) => sum + list.length, 0);
  if (resyncs === 0 && appliedTotal !== expectedApplied) violations.push(`applied ${appliedTotal} records for ${expectedApplied} written (a duplicate or a hole)`);
  lags.sort((a, b) => a - b);
  const pick = (q: number): number => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0;
  return {
    violations, writes, appliedRecords: appliedTotal, takeovers: channels.reduce((n, c) => n + c.takeoverCount(), 0),
    gaps: applier.stats().gaps, resyncs, lagMsP50: pick(0.5), lagMsP99: pick(0.99), allApplied,
  };
}
