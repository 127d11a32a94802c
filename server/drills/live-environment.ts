// A live drill's world: the running embedded cluster, broken and mended through the
// FaultInjector interface (a multi-process mode would implement it by killing processes), the
// process's clock and timers, and real clients of the data plane on the in-process hub.

import { randomBytes } from 'node:crypto';
import { TesseraClient } from '../../engine/client/tessera-client';
import type { DrillEnvironment, FaultInjector } from '../../engine/drills/drill-runner';
import type { DrillDataClient } from '../../engine/drills/workload';
import type { TimerId, Timers } from '../../engine/runtime/runtime';
import { SeededRandom } from '../../engine/sim/prng';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The embedded cluster as a drill breaks it. */
export function embeddedFaultInjector(cluster: EmbeddedCluster, actor: string): FaultInjector {
  const settle = (promise: Promise<unknown>, done: (error: string | null) => void): void => {
    promise.then(() => done(null), (error: unknown) => done(message(error)));
  };
  const sync = (run: () => void, done: (error: string | null) => void): void => {
    try {
      run();
      done(null);
    } catch (error) {
      done(message(error));
    }
  };
  return {
    killNode: (nodeId, done) => settle(cluster.failNode(nodeId), done),
    restartNode: (nodeId, done) => settle(cluster.restartNode(nodeId), done),
    failDrive: (driveId, done) => settle(cluster.injectDriveFault(driveId, { mode: 'failed' }), done),
    replaceDrive: (driveId, done) => settle(cluster.replaceDrive(driveId, actor), done),
    isolateNode: (nodeId, isolated, done) => sync(() => cluster.isolateNode(nodeId, isolated), done),
    pauseNode: (nodeId, paused, done) => sync(() => cluster.pauseNode(nodeId, paused), done),
    scaleOut: (nodes, done) => {
      const spec = cluster.topology.nodes[0];
      settle(cluster.scaleOut({ nodes, vnsPerNode: spec?.vns.length ?? 1, drivesPerNode: spec?.drives.length ?? 1, driveCapacityBytes: spec?.drives[0]?.capacityBytes ?? 1e12, actor }), done);
    },
    propose: (command, done) => {
      cluster.propose(command).then(done, (error: unknown) => done({ ok: false, code: 'ApplyError', message: message(error) }));
    },
  };
}

export interface LiveEnvironment {
  readonly env: DrillEnvironment;
  /** Cancels the drill's timers and detaches its clients. */
  close(): void;
}

export function liveEnvironment(cluster: EmbeddedCluster, actor: string): LiveEnvironment {
  const handles = new Map<TimerId, NodeJS.Timeout>();
  let nextTimer = 1;
  const timers: Timers = {
    schedule: (delayMs, callback) => {
      const id = nextTimer++;
      handles.set(id, setTimeout(() => {
        handles.delete(id);
        callback();
      }, delayMs));
      return id;
    },
    cancel: (id) => {
      clearTimeout(handles.get(id));
      handles.delete(id);
    },
  };
  const clock = { nowMs: (): number => performance.now() };
  const clientIds: string[] = [];
  const run = randomBytes(4).toString('hex');
  const env: DrillEnvironment = {
    mode: 'live', seed: null, clock, wallClock: { epochMs: () => Date.now() }, timers,
    random: new SeededRandom(randomBytes(4).readInt32LE(0)),
    probe: { state: () => cluster.controllerState(), leaderNodeId: () => cluster.leaderNodeId() },
    injector: embeddedFaultInjector(cluster, actor), actor,
    makeClient: (container, index): DrillDataClient => {
      const clientId = `drill-${run}-${index < 0 ? 'reader' : index}`;
      clientIds.push(clientId);
      const client = new TesseraClient({ clientId, clock, timers, random: new SeededRandom(randomBytes(4).readInt32LE(0)), transport: cluster.clientTransport(clientId), nodes: () => cluster.runningNodeIds() });
      return {
        put: (key, value, done) => client.put(container, key, value, {}, done),
        get: (key, done) => client.get(container, key, done),
      };
    },
  };
  return {
    env,
    close: () => {
      for (const handle of handles.values()) clearTimeout(handle);
      handles.clear();
      for (const id of clientIds) cluster.detachClient(id);
    },
  };
}
