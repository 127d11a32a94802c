// The real world for engine code: the process's monotonic clock, Node timers, a CSPRNG-seeded
// random source, the in-process transport and lmdb stores under the node's directory.
//
//   <dataDir>/node-N/system/        Raft log, identity
//   <dataDir>/node-N/drive-M/       objects of the VNs on drive M

import { randomBytes } from 'node:crypto';
import { makeDirs } from '../cluster/data-dir';
import { join } from 'node:path';
import type { DurableStore, Logger, NodeId, NodeRuntime, TimerId, Timers } from '../../engine/runtime/runtime';
import { SeededRandom } from '../../engine/sim/prng';
import type { InProcessHub } from './in-process-transport';
import { DriveDevice } from './drive-device';
import { LmdbStore } from './lmdb-store';

export class RealNodeRuntime implements NodeRuntime {
  readonly clock = { nowMs: (): number => performance.now() };
  readonly wallClock = { epochMs: (): number => Date.now() };
  readonly random = new SeededRandom(randomBytes(4).readInt32LE(0));
  readonly timers: Timers;
  readonly transport;
  readonly systemStore: LmdbStore;
  readonly log: Logger;
  private readonly drives = new Map<string, DriveDevice>();
  private readonly activeTimers = new Map<TimerId, NodeJS.Timeout>();
  private nextTimerId = 1;
  private stopped = false;
  /** A drill's process pause: timers that come due wait here until the pause ends. */
  private paused = false;
  private deferred: Array<() => void> = [];

  constructor(readonly nodeId: NodeId, private readonly nodeDir: string, hub: InProcessHub, log: (line: string) => void) {
    makeDirs(join(nodeDir, 'system'));
    this.systemStore = new LmdbStore(join(nodeDir, 'system'));
    this.transport = hub.endpoint(nodeId);
    this.log = {
      info: (m) => log(`[${nodeId}] ${m}`),
      warn: (m) => log(`[${nodeId}] warning: ${m}`),
      error: (m) => log(`[${nodeId}] error: ${m}`),
    };
    this.timers = {
      schedule: (delayMs, callback) => {
        const id = this.nextTimerId++;
        const handle = setTimeout(() => {
          this.activeTimers.delete(id);
          if (this.stopped) return;
          if (this.paused) this.deferred.push(callback);
          else callback();
        }, delayMs);
        this.activeTimers.set(id, handle);
        return id;
      },
      cancel: (timerId) => {
        const handle = this.activeTimers.get(timerId);
        if (handle !== undefined) clearTimeout(handle);
        this.activeTimers.delete(timerId);
      },
    };
  }

  driveStore(driveId: string): DurableStore {
    return this.device(driveId);
  }

  /** The device behind a drive (wear counters, fault injection, replacement). */
  device(driveId: string): DriveDevice {
    let device = this.drives.get(driveId);
    if (device === undefined) {
      // Drive ids look like "node-1/drive-0": the directory is the part after the node.
      device = new DriveDevice(join(this.nodeDir, driveId.split('/').pop() ?? driveId));
      this.drives.set(driveId, device);
    }
    return device;
  }

  devices(): ReadonlyMap<string, DriveDevice> {
    return this.drives;
  }

  /**
   * Stalls the node as a long GC or VM pause would (a drill): timers that come due run only when
   * the pause ends, late, in the order they came due. The transport is cut by the caller.
   */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) return;
    const due = this.deferred;
    this.deferred = [];
    for (const callback of due) if (!this.stopped && !this.paused) callback();
  }

  /** Stops timers, then flushes and closes every store of this node. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const handle of this.activeTimers.values()) clearTimeout(handle);
    this.activeTimers.clear();
    await Promise.all([this.systemStore.close(), ...[...this.drives.values()].map((d) => d.close())]);
  }
}
