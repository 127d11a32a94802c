// The drill's workload: `concurrency` clients, each running one operation at a time through
// the client library against keys of its own run, and every operation recorded with its call
// and return times and result. Values carry the writer's tag (client and sequence), padded to
// the value size, so a read names the write it saw.

import type { ClientResult } from '../client/tessera-client';
import type { MonotonicClock, RandomSource, Timers } from '../runtime/runtime';
import type { WorkloadSpec } from './scenarios';

/** What the workload needs from a client of the cluster (one container, bound by the caller). */
export interface DrillDataClient {
  put(key: string, value: Uint8Array, done: (result: ClientResult<{ version: number }>) => void): void;
  get(key: string, done: (result: ClientResult<{ version: number; value: Uint8Array }>) => void): void;
}

export interface DrillOp {
  readonly client: number;
  readonly kind: 'put' | 'get';
  readonly key: string;
  readonly slice: number;
  readonly callMs: number;
  returnMs: number | null;
  ok: boolean;
  /** The error code of a failed operation. */
  code: string | null;
  version: number | null;
  /** The writer's tag: written by a put, seen by a get (null: absent). */
  tag: string | null;
}

/** Operations a drill records at most; past it the clients stop issuing new ones. */
export const DRILL_OPS_MAX = 400_000;
/** A client waits this long between its operations (keeps a refusing cluster from a busy loop). */
export const WORKLOAD_THINK_MS = 1;

const TAG_END = '|';

export function encodeValue(tag: string, valueBytes: number): Uint8Array {
  const text = tag + TAG_END;
  return new TextEncoder().encode(text.padEnd(Math.max(valueBytes, text.length), '.'));
}

export function decodeTag(value: Uint8Array): string {
  const text = new TextDecoder().decode(value);
  const end = text.indexOf(TAG_END);
  return end < 0 ? text : text.slice(0, end);
}

export class Workload {
  readonly ops: DrillOp[] = [];
  private running = false;
  private inFlight = 0;
  private stopped: (() => void) | null = null;

  constructor(
    private readonly spec: WorkloadSpec,
    private readonly clients: readonly DrillDataClient[],
    private readonly keys: readonly string[],
    private readonly sliceOf: (key: string) => number,
    private readonly clock: MonotonicClock,
    private readonly timers: Timers,
    private readonly random: RandomSource,
    /** Called as each operation returns. */
    private readonly returned: (op: DrillOp) => void = () => undefined,
  ) {}

  start(): void {
    this.running = true;
    this.clients.forEach((client, index) => this.next(client, index, 0));
  }

  /** Stops issuing operations; `done` once every operation in flight has returned. */
  stop(done: () => void): void {
    this.running = false;
    if (this.inFlight === 0) done();
    else this.stopped = done;
  }

  private next(client: DrillDataClient, index: number, n: number): void {
    if (!this.running || this.ops.length >= DRILL_OPS_MAX) return;
    const key = this.keys[this.random.nextInt(this.keys.length)] ?? 'k';
    const write = this.random.nextInt(100) < this.spec.writePercent;
    const op: DrillOp = { client: index, kind: write ? 'put' : 'get', key, slice: this.sliceOf(key), callMs: this.clock.nowMs(), returnMs: null, ok: false, code: null, version: null, tag: null };
    this.ops.push(op);
    this.inFlight++;
    const finish = (): void => {
      op.returnMs = this.clock.nowMs();
      this.inFlight--;
      this.returned(op);
      if (!this.running) {
        if (this.inFlight === 0 && this.stopped !== null) {
          const stopped = this.stopped;
          this.stopped = null;
          stopped();
        }
        return;
      }
      this.timers.schedule(WORKLOAD_THINK_MS, () => this.next(client, index, n + 1));
    };
    if (write) {
      const tag = `${index}-${n}`;
      op.tag = tag;
      client.put(key, encodeValue(tag, this.spec.valueBytes), (r) => {
        op.ok = r.ok;
        if (r.ok) op.version = r.version;
        else op.code = r.code;
        finish();
      });
    } else {
      client.get(key, (r) => {
        if (r.ok) {
          op.ok = true;
          op.version = r.version;
          op.tag = decodeTag(r.value);
        } else if (r.code === 'NotFound') {
          op.ok = true;
        } else op.code = r.code;
        finish();
      });
    }
  }
}
