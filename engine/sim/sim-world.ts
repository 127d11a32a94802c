// A deterministic world for a whole cluster: one seed fixes virtual time, the network's choices,
// disk latencies and faults, and each node's clock skew. The same NodeRuntime interface the real
// server implements is handed to each simulated node, so engine code runs unchanged here.

import type { DurableStore, Logger, MonotonicClock, NodeId, NodeRuntime, RandomSource, Timers, Transport, Envelope, WallClock } from '../runtime/runtime';
import { assert } from '../util/assert';
import { EventQueue, type EventHandle } from './event-queue';
import { SeededRandom } from './prng';
import { SimNetwork } from './sim-network';
import { DEFAULT_STORE_FAULTS, SimStore, type SimStoreFaults } from './sim-store';

export interface SimNodeState {
  readonly nodeId: NodeId;
  /** Incremented at each restart; timers and callbacks of older incarnations never fire. */
  incarnation: number;
  up: boolean;
  paused: boolean;
  /** Clock rate relative to true virtual time (1 = exact; 1.01 = runs 1% fast). */
  clockRate: number;
  clockOffsetMs: number;
  readonly systemStore: SimStore;
  readonly driveStores: Map<string, SimStore>;
  runtime: NodeRuntime | undefined;
  readonly logLines: string[];
}

/** 2026-01-01T00:00:00Z: the simulated calendar's origin. */
export const SIM_EPOCH_MS = 1_767_225_600_000;

/** Bounded per-node log so long simulations do not grow without limit. */
export const SIM_LOG_LINES_MAX = 200;

export class SimWorld {
  readonly queue = new EventQueue();
  readonly random: SeededRandom;
  readonly network: SimNetwork;
  readonly nodes = new Map<NodeId, SimNodeState>();
  storeFaults: SimStoreFaults = { ...DEFAULT_STORE_FAULTS };
  /** Faults of the drive stores only (the system stores keep `storeFaults`); unset: the same. */
  driveStoreFaults: SimStoreFaults | undefined;
  private nextTimerId = 1;
  private readonly timers = new Map<number, EventHandle>();
  /** Timers of the world itself (the process hosting the nodes): true virtual time, never paused. */
  readonly hostTimers: Timers;

  constructor(readonly seed: number) {
    this.random = new SeededRandom(seed);
    this.network = new SimNetwork(this.queue, this.random.fork());
    this.hostTimers = {
      schedule: (delayMs, callback) => {
        assert(delayMs >= 0 && Number.isFinite(delayMs), `timer delay ${delayMs}`);
        const id = this.nextTimerId++;
        this.timers.set(id, this.queue.schedule(this.queue.nowMs() + delayMs, () => {
          this.timers.delete(id);
          callback();
        }));
        return id;
      },
      cancel: (timerId) => {
        this.timers.get(timerId)?.cancel();
        this.timers.delete(timerId);
      },
    };
  }

  nowMs(): number {
    return this.queue.nowMs();
  }

  /** Adds a node (down until `start`); its stores persist across crashes and restarts. */
  addNode(nodeId: NodeId): SimNodeState {
    assert(!this.nodes.has(nodeId), `node ${nodeId} already exists`);
    const state: SimNodeState = {
      nodeId, incarnation: 0, up: false, paused: false, clockRate: 1, clockOffsetMs: this.random.nextInt(1_000_000),
      systemStore: new SimStore(this.queue, this.random.fork(), this.storeFaults),
      driveStores: new Map(), runtime: undefined, logLines: [],
    };
    this.nodes.set(nodeId, state);
    return state;
  }

  /** Boots (or reboots) a node and returns the runtime its engine code must use. */
  start(nodeId: NodeId): NodeRuntime {
    const state = this.mustGet(nodeId);
    assert(!state.up, `node ${nodeId} is already up`);
    state.incarnation++;
    state.up = true;
    state.paused = false;
    state.runtime = this.makeRuntime(state);
    return state.runtime;
  }

  /** Kills a node: volatile state, timers and unsynced writes are lost. */
  crash(nodeId: NodeId): void {
    const state = this.mustGet(nodeId);
    if (!state.up) return;
    state.up = false;
    state.runtime = undefined;
    this.network.detach(nodeId);
    state.systemStore.crash();
    for (const store of state.driveStores.values()) store.crash();
  }

  /** Crashes the node and forgets it with its stores (a node that never joined); its id may be added again. */
  forget(nodeId: NodeId): void {
    if (!this.nodes.has(nodeId)) return;
    this.crash(nodeId);
    this.nodes.delete(nodeId);
  }

  /** A paused node keeps its state but runs nothing and receives nothing (a long GC or VM stall). */
  pause(nodeId: NodeId, paused: boolean): void {
    this.mustGet(nodeId).paused = paused;
  }

  setClockSkew(nodeId: NodeId, clockRate: number): void {
    assert(clockRate > 0.5 && clockRate < 2, `clock rate ${clockRate} out of range`);
    this.mustGet(nodeId).clockRate = clockRate;
  }

  runFor(durationMs: number, maxEvents?: number): number {
    return this.queue.runUntil(this.queue.nowMs() + durationMs, maxEvents);
  }

  runUntil(predicate: () => boolean, limitMs: number, stepMs = 1): boolean {
    const deadline = this.queue.nowMs() + limitMs;
    while (this.queue.nowMs() < deadline) {
      if (predicate()) return true;
      this.queue.runUntil(Math.min(deadline, this.queue.nowMs() + stepMs));
    }
    return predicate();
  }

  private mustGet(nodeId: NodeId): SimNodeState {
    const state = this.nodes.get(nodeId);
    assert(state !== undefined, `unknown node ${nodeId}`);
    return state;
  }

  private makeRuntime(state: SimNodeState): NodeRuntime {
    const incarnation = state.incarnation;
    const queue = this.queue;
    const network = this.network;
    const timerHandles = this.timers;
    const nextTimerId = (): number => this.nextTimerId++;
    const alive = (): boolean => state.up && state.incarnation === incarnation;
    // A paused node's events are deferred, not lost: they run when it resumes.
    const PAUSE_RETRY_MS = 1;
    const runWhenAlive = (callback: () => void): void => {
      if (!alive()) return;
      if (state.paused) {
        queue.schedule(queue.nowMs() + PAUSE_RETRY_MS, () => runWhenAlive(callback));
        return;
      }
      callback();
    };
    const clock: MonotonicClock = { nowMs: () => state.clockOffsetMs + queue.nowMs() * state.clockRate };
    // Simulated calendar time starts at a fixed instant so event timestamps replay too.
    const wallClock: WallClock = { epochMs: () => SIM_EPOCH_MS + Math.floor(queue.nowMs()) };
    const timers: Timers = {
      schedule(delayMs, callback) {
        assert(delayMs >= 0 && Number.isFinite(delayMs), `timer delay ${delayMs}`);
        const id = nextTimerId();
        const handle = queue.schedule(queue.nowMs() + delayMs / state.clockRate, () => {
          timerHandles.delete(id);
          runWhenAlive(callback);
        });
        timerHandles.set(id, handle);
        return id;
      },
      cancel(timerId) {
        timerHandles.get(timerId)?.cancel();
        timerHandles.delete(timerId);
      },
    };
    const random: RandomSource = this.random.fork();
    const transport: Transport = {
      send(to, message) {
        if (!alive()) return;
        network.send(state.nodeId, to, message);
      },
      onReceive(handler) {
        network.attach(state.nodeId, (envelope: Envelope) => runWhenAlive(() => handler(envelope)));
      },
    };
    const log: Logger = {
      info: (m) => this.appendLog(state, `I ${m}`),
      warn: (m) => this.appendLog(state, `W ${m}`),
      error: (m) => this.appendLog(state, `E ${m}`),
    };
    const wrapStore = (store: SimStore): DurableStore => ({
      get: (key) => store.get(key),
      scan: (range) => store.scan(range),
      commit: (writes, onDurable) => store.commit(writes, (result) => runWhenAlive(() => onDurable(result))),
      bytesWritten: () => store.bytesWritten(),
      failed: () => store.failed(),
    });
    return {
      nodeId: state.nodeId, clock, wallClock, timers, random, transport, log,
      systemStore: wrapStore(state.systemStore),
      driveStore: (driveId) => {
        let store = state.driveStores.get(driveId);
        if (store === undefined) {
          store = new SimStore(this.queue, this.random.fork(), this.driveStoreFaults ?? this.storeFaults);
          state.driveStores.set(driveId, store);
        }
        return wrapStore(store);
      },
    };
  }

  private appendLog(state: SimNodeState, line: string): void {
    state.logLines.push(`${this.queue.nowMs().toFixed(3)} ${line}`);
    if (state.logLines.length > SIM_LOG_LINES_MAX) state.logLines.shift();
  }
}
