// The client library (V3IO-like, docs/DESIGN.md §6): keeps each container's slice map, hashes a key
// to its slice and sends the request straight to the node of the slice's primary VN. When the
// map is stale the replica's answer carries where the slice lives now, so a re-route costs one
// extra hop; transient refusals are retried with jittered backoff until the deadline. Writes keep
// their (clientId, seq) across retries, so a retried write is applied at most once.

import type { ContainerMap, DataOp, DataResult, ErrorCode, ListedKey, RequestId, WriteCondition } from '../dataplane/messages';
import { DATA_REQUEST, DATA_RESPONSE } from '../dataplane/messages';
import { sliceHasher } from '../hash/slice-of';
import type { Envelope, MonotonicClock, RandomSource, TimerId, Timers, Transport } from '../runtime/runtime';

/** What a client needs from the world: its own identity, time, randomness and the network. */
export interface ClientRuntime {
  readonly clientId: string;
  readonly clock: MonotonicClock;
  readonly timers: Timers;
  readonly random: RandomSource;
  readonly transport: Transport;
  /** Nodes to ask for slice maps (any node answers from its controller replica); a function follows a changing cluster. */
  readonly nodes: readonly string[] | (() => readonly string[]);
}

export interface ClientOptions {
  /** Give up (with Timeout) after this long; a write's outcome is then unknown. */
  readonly deadlineMs: number;
  /** One attempt waits this long for an answer before retrying. */
  readonly attemptTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = { deadlineMs: 10_000, attemptTimeoutMs: 1_000, backoffBaseMs: 10, backoffMaxMs: 500 };

/** Requests waiting for an answer; more are refused with Busy. */
export const CLIENT_REQUESTS_IN_FLIGHT_MAX = 10_000;

export type ClientError = { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly currentVersion?: number };
export type ClientResult<T> = ({ readonly ok: true } & T) | ClientError;

interface CachedMap {
  readonly map: ContainerMap;
  readonly primaries: string[];
  readonly epochs: number[];
  readonly sliceOf: (key: string) => number;
}

type SliceOp = Extract<DataOp, { type: 'put' | 'get' | 'delete' }>;

/** Keys are non-empty and free of NUL (the replicas keep their own records under a NUL prefix). */
function checkKey(key: string): ClientError | null {
  if (key.length === 0) return { ok: false, code: 'InvalidArgument', message: 'key: must not be empty' };
  if (key.includes('\u0000')) return { ok: false, code: 'InvalidArgument', message: 'key: must not contain NUL characters' };
  return null;
}

/** Errors worth retrying: the cluster is moving, not refusing. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['Behind', 'Unavailable', 'Busy', 'StaleEpoch', 'Timeout']);

export class TesseraClient {
  private readonly maps = new Map<string, CachedMap>();
  private readonly mapWaiters = new Map<string, Array<(result: ClientResult<{ map: CachedMap }>) => void>>();
  private readonly inFlight = new Map<number, { readonly done: (result: DataResult | null) => void; readonly timer: TimerId }>();
  private nextReqId = 1;
  private nextSeq = 1;
  /** Writes without a final answer yet; replicas keep their dedup records. */
  private readonly writesInFlight = new Set<number>();
  private nextMapNode = 0;
  /** Counters for tests and metrics. */
  readonly stats = { requests: 0, retries: 0, reroutes: 0, mapFetches: 0 };

  constructor(private readonly runtime: ClientRuntime, private readonly options: ClientOptions = DEFAULT_CLIENT_OPTIONS) {
    runtime.transport.onReceive((envelope) => this.receive(envelope));
  }

  put(container: string, key: string, value: Uint8Array, condition: WriteCondition, done: (result: ClientResult<{ version: number }>) => void): void {
    const keyProblem = checkKey(key);
    if (keyProblem !== null) {
      done(keyProblem);
      return;
    }
    const seq = this.startWrite();
    this.sliceOp(container, key, (slice, epoch) => ({ type: 'put', container, slice, epoch, key, value, condition, ...this.requestId(seq) }), (r) => {
      this.writesInFlight.delete(seq);
      done(r.ok ? { ok: true, version: r.version ?? 0 } : r);
    });
  }

  delete(container: string, key: string, condition: WriteCondition, done: (result: ClientResult<{ version: number }>) => void): void {
    const keyProblem = checkKey(key);
    if (keyProblem !== null) {
      done(keyProblem);
      return;
    }
    const seq = this.startWrite();
    this.sliceOp(container, key, (slice, epoch) => ({ type: 'delete', container, slice, epoch, key, condition, ...this.requestId(seq) }), (r) => {
      this.writesInFlight.delete(seq);
      done(r.ok ? { ok: true, version: r.version ?? 0 } : r);
    });
  }

  private startWrite(): number {
    const seq = this.nextSeq++;
    this.writesInFlight.add(seq);
    return seq;
  }

  /** The request id of write `seq`, with the lowest seq still waiting for its final answer. */
  private requestId(seq: number): RequestId {
    let settledBelow = this.nextSeq;
    for (const inFlight of this.writesInFlight) if (inFlight < settledBelow) settledBelow = inFlight;
    return { clientId: this.runtime.clientId, seq, settledBelow };
  }

  get(container: string, key: string, done: (result: ClientResult<{ version: number; value: Uint8Array }>) => void): void {
    const keyProblem = checkKey(key);
    if (keyProblem !== null) {
      done(keyProblem);
      return;
    }
    this.sliceOp(container, key, (slice, epoch) => ({ type: 'get', container, slice, epoch, key }), (r) => done(r.ok ? { ok: true, version: r.version ?? 0, value: r.value ?? new Uint8Array(0) } : r));
  }

  /**
   * Keys with `prefix` after `cursor`, in key order, from every node's primaries. Not a snapshot:
   * keys written or moved while listing may be missed or seen once more.
   */
  list(container: string, query: { readonly prefix: string; readonly cursor: string; readonly limit: number }, done: (result: ClientResult<{ keys: readonly ListedKey[]; nextCursor: string | null }>) => void): void {
    const deadline = this.runtime.clock.nowMs() + this.options.deadlineMs;
    this.withMap(container, (loaded) => {
      if (!loaded.ok) {
        done(loaded);
        return;
      }
      const nodes = [...new Set(loaded.map.primaries.map((vn) => loaded.map.map.vnNodes[vn] ?? ''))].filter((n) => n !== '').sort();
      const all: ListedKey[] = [];
      let more = false;
      let remaining = nodes.length;
      let failed: ClientError | undefined;
      const finish = (): void => {
        if (failed !== undefined) {
          done(failed);
          return;
        }
        const unique = new Map(all.map((k) => [k.key, k]));
        const keys = [...unique.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, query.limit);
        const last = keys[keys.length - 1];
        done({ ok: true, keys, nextCursor: (more || unique.size > query.limit) && last !== undefined ? last.key : null });
      };
      for (const node of nodes) {
        const attempt = (tries: number): void => {
          this.call(node, { type: 'list', container, prefix: query.prefix, cursor: query.cursor, limit: query.limit }, (result) => {
            if (result?.ok === true) {
              all.push(...(result.keys ?? []));
              more ||= result.more === true;
            } else if ((result === null || RETRYABLE.has(result.code)) && this.runtime.clock.nowMs() < deadline) {
              this.runtime.timers.schedule(this.backoffMs(tries), () => attempt(tries + 1));
              return;
            } else {
              failed ??= result === null ? { ok: false, code: 'Timeout', message: `node ${node} did not answer the listing` } : { ok: false, code: result.code, message: result.message };
            }
            if (--remaining === 0) finish();
          });
        };
        attempt(0);
      }
      if (nodes.length === 0) finish();
    });
  }

  /** Forgets a container's map (after it was deleted or re-created). */
  invalidate(container: string): void {
    this.maps.delete(container);
  }

  private backoffMs(attempt: number): number {
    const capped = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** Math.min(attempt, 16));
    return capped * (0.5 + this.runtime.random.nextFloat());
  }

  private sliceOp(container: string, key: string, makeOp: (slice: number, epoch: number) => SliceOp, done: (result: ClientResult<{ version?: number; value?: Uint8Array }>) => void): void {
    const deadline = this.runtime.clock.nowMs() + this.options.deadlineMs;
    let lastError: ClientError = { ok: false, code: 'Timeout', message: `no answer within ${this.options.deadlineMs} ms` };
    let silentTries = 0;
    const attempt = (tries: number): void => {
      if (this.runtime.clock.nowMs() >= deadline) {
        done({ ...lastError, message: `gave up after ${this.options.deadlineMs} ms: ${lastError.message}` });
        return;
      }
      if (tries > 0) this.stats.retries++;
      const retryLater = (): void => {
        this.runtime.timers.schedule(this.backoffMs(tries), () => attempt(tries + 1));
      };
      this.withMap(container, (loaded) => {
        if (!loaded.ok) {
          if (RETRYABLE.has(loaded.code)) {
            lastError = loaded;
            retryLater();
          } else done(loaded);
          return;
        }
        const cached = loaded.map;
        const slice = cached.sliceOf(key);
        const primary = cached.primaries[slice] ?? '';
        const node = cached.map.vnNodes[primary];
        const epoch = cached.epochs[slice] ?? 0;
        if (node === undefined) {
          this.maps.delete(container);
          retryLater();
          return;
        }
        this.stats.requests++;
        this.call(node, makeOp(slice, epoch), (result) => {
          if (result === null) {
            lastError = { ok: false, code: 'Timeout', message: `node ${node} did not answer within ${this.options.attemptTimeoutMs} ms` };
            // Twice silent: the node may be gone, fetch a fresh map (from another node).
            if (++silentTries >= 2) {
              silentTries = 0;
              this.maps.delete(container);
            }
            retryLater();
            return;
          }
          if (result.ok) {
            done(result);
            return;
          }
          lastError = { ok: false, code: result.code, message: result.message, ...(result.currentVersion === undefined ? {} : { currentVersion: result.currentVersion }) };
          if (result.code === 'StaleEpoch') {
            const hint = result.hint;
            if (hint !== undefined && hint.epoch > epoch) {
              // One extra hop: the refusing replica told us where the slice lives now.
              cached.primaries[slice] = hint.primary;
              cached.epochs[slice] = hint.epoch;
              this.stats.reroutes++;
              attempt(tries + 1);
              return;
            }
            this.maps.delete(container);
            retryLater();
            return;
          }
          if (result.code === 'NoSuchContainer') {
            // We hold a map, so some node knew the container: this replica may only be behind
            // the controller (a container created a moment ago). Refetch the map, which asks
            // every node before it takes the container to be gone.
            this.maps.delete(container);
            retryLater();
            return;
          }
          if (RETRYABLE.has(result.code)) retryLater();
          else done(lastError);
        });
      });
    };
    attempt(0);
  }

  private withMap(container: string, done: (result: ClientResult<{ map: CachedMap }>) => void): void {
    const cached = this.maps.get(container);
    if (cached !== undefined) {
      done({ ok: true, map: cached });
      return;
    }
    const waiters = this.mapWaiters.get(container);
    if (waiters !== undefined) {
      waiters.push(done);
      return;
    }
    this.mapWaiters.set(container, [done]);
    const nodes = typeof this.runtime.nodes === 'function' ? this.runtime.nodes() : this.runtime.nodes;
    this.fetchMap(container, nodes, nodes.length);
  }

  /**
   * Asks the next node for the map. A node that answers NoSuchContainer may only be behind the
   * controller (a container created a moment ago is known to the leader first), so every node is
   * asked once before the container is taken to be missing: a create the caller saw acknowledged
   * is then found at once.
   */
  private fetchMap(container: string, nodes: readonly string[], asksLeft: number): void {
    const node = nodes[this.nextMapNode++ % Math.max(1, nodes.length)] ?? '';
    this.stats.mapFetches++;
    this.call(node, { type: 'map', container }, (result) => {
      if (result !== null && !result.ok && result.code === 'NoSuchContainer' && asksLeft > 1) {
        this.fetchMap(container, nodes, asksLeft - 1);
        return;
      }
      const all = this.mapWaiters.get(container) ?? [];
      this.mapWaiters.delete(container);
      let outcome: ClientResult<{ map: CachedMap }>;
      if (result === null) outcome = { ok: false, code: 'Timeout', message: `node ${node} did not send the map of ${container}` };
      else if (!result.ok) outcome = { ok: false, code: result.code, message: result.message };
      else if (result.map === undefined) outcome = { ok: false, code: 'Internal', message: 'map answer without a map' };
      else {
        const map = result.map;
        const loaded: CachedMap = { map, primaries: [...map.primaries], epochs: [...map.epochs], sliceOf: sliceHasher(map.seedHex, map.sliceCount) };
        this.maps.set(container, loaded);
        outcome = { ok: true, map: loaded };
      }
      for (const waiter of all) waiter(outcome);
    });
  }

  private call(node: string, op: DataOp, done: (result: DataResult | null) => void): void {
    if (this.inFlight.size >= CLIENT_REQUESTS_IN_FLIGHT_MAX) {
      done({ ok: false, code: 'Busy', message: `more than ${CLIENT_REQUESTS_IN_FLIGHT_MAX} requests in flight` });
      return;
    }
    const reqId = this.nextReqId++;
    const timer = this.runtime.timers.schedule(this.options.attemptTimeoutMs, () => {
      if (this.inFlight.delete(reqId)) done(null);
    });
    this.inFlight.set(reqId, { done, timer });
    this.runtime.transport.send(node, { kind: DATA_REQUEST, reqId, op });
  }

  private receive(envelope: Envelope): void {
    const message = envelope.message as { kind?: unknown; reqId?: unknown; result?: DataResult } | null;
    if (message?.kind !== DATA_RESPONSE || typeof message.reqId !== 'number' || message.result === undefined) return;
    const waiting = this.inFlight.get(message.reqId);
    if (waiting === undefined) return;
    this.inFlight.delete(message.reqId);
    this.runtime.timers.cancel(waiting.timer);
    waiting.done(message.result);
  }
}
