// The server's side of the cluster orchestration (engine/cluster): nodes are engine objects over
// real runtimes (lmdb drives under the data directory, the in-process hub), the membership is the
// data directory's manifest, and time is the process's.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterHost, ClusterMembership } from '../../engine/cluster/cluster-host';
import type { ClusterSettings } from '../../engine/controller/settings';
import type { NodeBootstrap } from '../../engine/node/identity';
import { TesseraNode } from '../../engine/node/tessera-node';
import type { TimerId, Timers } from '../../engine/runtime/runtime';
import type { DriveDevice } from '../runtime/drive-device';
import type { InProcessHub } from '../runtime/in-process-transport';
import { RealNodeRuntime } from '../runtime/real-runtime';
import { writeManifest, type DataDirManifest } from './data-dir';
import { makeControllerWiring } from './wiring';

export class NodeHost implements ClusterHost {
  readonly clock = { nowMs: (): number => performance.now() };
  readonly wallClock = { epochMs: (): number => Date.now() };
  readonly timers: Timers;
  private readonly runtimes = new Map<string, RealNodeRuntime>();
  private readonly activeTimers = new Map<TimerId, NodeJS.Timeout>();
  private nextTimerId = 1;

  constructor(
    private readonly dataDir: string,
    private readonly hub: InProcessHub,
    private readonly settings: Pick<ClusterSettings, 'heartbeatIntervalMs' | 'failureDetectionTimeoutMs'>,
    readonly log: (line: string) => void,
    private manifestValue: DataDirManifest,
  ) {
    this.timers = {
      schedule: (delayMs, callback) => {
        const id = this.nextTimerId++;
        this.activeTimers.set(id, setTimeout(() => {
          this.activeTimers.delete(id);
          callback();
        }, delayMs));
        return id;
      },
      cancel: (timerId) => {
        clearTimeout(this.activeTimers.get(timerId));
        this.activeTimers.delete(timerId);
      },
    };
  }

  get manifest(): DataDirManifest {
    return this.manifestValue;
  }

  launchNode(nodeId: string, bootstrap: NodeBootstrap, started: (error: string | null) => void): TesseraNode {
    // A node stopped earlier (a drill, a scale-out rolled back) was cut off the hub: reconnect it.
    this.hub.detach(nodeId);
    this.hub.setIsolated(nodeId, false);
    const runtime = new RealNodeRuntime(nodeId, join(this.dataDir, nodeId), this.hub, this.log);
    const node = new TesseraNode(runtime, { heartbeatIntervalMs: this.settings.heartbeatIntervalMs, failureDetectionTimeoutMs: this.settings.failureDetectionTimeoutMs }, makeControllerWiring(this.settings.heartbeatIntervalMs));
    this.runtimes.set(nodeId, runtime);
    node.start(bootstrap, started);
    return node;
  }

  haltNode(nodeId: string, node: TesseraNode, halted: () => void): void {
    const runtime = this.runtimes.get(nodeId);
    this.hub.setIsolated(nodeId, true);
    node.stop();
    if (runtime === undefined) {
      halted();
      return;
    }
    runtime.shutdown().catch((error: unknown) => this.log(`node ${nodeId}: closing its stores failed: ${String(error)}`)).finally(() => {
      if (this.runtimes.get(nodeId) === runtime) this.runtimes.delete(nodeId);
      halted();
    });
  }

  discardNode(nodeId: string): void {
    rmSync(join(this.dataDir, nodeId), { recursive: true, force: true });
  }

  persistMembership(membership: ClusterMembership): void {
    const before = new Set(this.manifestValue.retiredNodeIds ?? []);
    const manifest: DataDirManifest = { ...this.manifestValue, topology: membership.topology, foundingVoters: membership.foundingVoters, retiredNodeIds: membership.retiredNodeIds };
    writeManifest(this.dataDir, manifest);
    this.manifestValue = manifest;
    for (const id of membership.retiredNodeIds) if (!before.has(id)) this.log(`node ${id} retired; its directory ${join(this.dataDir, id)} can be deleted`);
  }

  replaceDrive(nodeId: string, driveId: string, replaced: (error: string | null) => void): void {
    const runtime = this.runtimes.get(nodeId);
    if (runtime === undefined) {
      replaced(`node ${nodeId} is not running`);
      return;
    }
    runtime.device(driveId).replace().then(() => replaced(null), (error: unknown) => replaced(String(error)));
  }

  /** The runtime of a running node (its devices). */
  runtime(nodeId: string): RealNodeRuntime | undefined {
    return this.runtimes.get(nodeId);
  }

  /** Devices of running nodes by drive id (wear counters, faults). */
  devices(): Map<string, DriveDevice> {
    const out = new Map<string, DriveDevice>();
    for (const runtime of this.runtimes.values()) for (const [id, device] of runtime.devices()) out.set(id, device);
    return out;
  }

  /** Stops the host's own timers (the process is closing). */
  close(): void {
    for (const handle of this.activeTimers.values()) clearTimeout(handle);
    this.activeTimers.clear();
  }
}
