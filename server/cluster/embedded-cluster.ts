// The embedded cluster: N data nodes in this process, each with its own directory, runtime and
// engine node, talking through the in-process hub. Owns the data directory's lock and manifest.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TesseraNode } from '../../engine/node/tessera-node';
import { buildTopology, type ClusterTopology } from '../../engine/topology/topology';
import type { ClusterConfig } from '../config/cluster-config';
import { InProcessHub } from '../runtime/in-process-transport';
import { RealNodeRuntime } from '../runtime/real-runtime';
import { ensureWritableDataDir, lockDataDir, readManifest, writeManifest, type DataDirManifest } from './data-dir';
import type { ClusterOverview, NodeOverview } from './overview';

interface RunningNode {
  readonly runtime: RealNodeRuntime;
  readonly node: TesseraNode;
}

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  readonly config: ClusterConfig;
  readonly log: (line: string) => void;
}

export class EmbeddedCluster {
  private readonly nodes = new Map<string, RunningNode>();
  private readonly hub = new InProcessHub();
  private readonly startedAtMs = performance.now();
  private releaseLock: (() => void) | undefined;

  private constructor(private readonly options: EmbeddedClusterOptions, readonly manifest: DataDirManifest) {}

  /** Opens (or creates) the cluster in the data directory and waits until every node runs. */
  static async open(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
    ensureWritableDataDir(options.dataDir);
    const releaseLock = lockDataDir(options.dataDir);
    try {
      let manifest: DataDirManifest | undefined = readManifest(options.dataDir);
      if (manifest === undefined) {
        const topology = buildTopology({
          nodeCount: options.config.topology.nodes,
          vnsPerNode: options.config.topology.vnsPerNode,
          drivesPerNode: options.config.topology.drivesPerNode,
          driveCapacityBytes: options.config.topology.driveCapacityBytes,
        });
        manifest = { formatVersion: 1, clusterId: randomBytes(16).toString('hex'), name: options.config.cluster.name, createdAt: new Date().toISOString(), topology };
        // The manifest is decided (and durable) before any node is bootstrapped from it, so a crash
        // in between resumes the same cluster instead of inventing a second identity.
        writeManifest(options.dataDir, manifest);
        options.log(`created cluster ${manifest.clusterId} (${topology.nodes.length} nodes) in ${options.dataDir}`);
      } else {
        options.log(`resuming cluster ${manifest.clusterId} from ${options.dataDir}`);
      }
      const cluster = new EmbeddedCluster(options, manifest);
      cluster.releaseLock = releaseLock;
      await cluster.startNodes();
      return cluster;
    } catch (error) {
      releaseLock();
      throw error;
    }
  }

  get topology(): ClusterTopology {
    return this.manifest.topology;
  }

  private async startNodes(): Promise<void> {
    const settings = this.options.config.settings;
    const bootstrap = { clusterId: this.manifest.clusterId, topology: this.topology };
    const started = this.topology.nodes.map((spec) => {
      const runtime = new RealNodeRuntime(spec.id, join(this.options.dataDir, spec.id), this.hub, this.options.log);
      const node = new TesseraNode(runtime, { heartbeatIntervalMs: settings.heartbeatIntervalMs, failureDetectionTimeoutMs: settings.failureDetectionTimeoutMs });
      this.nodes.set(spec.id, { runtime, node });
      return new Promise<void>((resolve, reject) => {
        node.start(bootstrap, (error) => (error === null ? resolve() : reject(new Error(error))));
      });
    });
    await Promise.all(started);
  }

  overview(): ClusterOverview {
    const failureDetectionTimeoutMs = this.options.config.settings.failureDetectionTimeoutMs;
    const statuses = [...this.nodes.values()].map((n) => n.node.status());
    const nodes: NodeOverview[] = this.topology.nodes.map((spec) => {
      const own = statuses.find((s) => s.nodeId === spec.id);
      // A node is up when it runs and at least one peer has heard it within the timeout.
      const heardBy = statuses.flatMap((s) => s.peers.filter((p) => p.nodeId === spec.id && p.lastHeardAgoMs !== null));
      const freshestAgoMs = heardBy.length === 0 ? null : Math.min(...heardBy.map((p) => p.lastHeardAgoMs ?? Infinity));
      const running = own?.lifecycle === 'running';
      const state: NodeOverview['state'] = own?.lifecycle === 'starting' ? 'starting'
        : running && freshestAgoMs !== null && freshestAgoMs <= failureDetectionTimeoutMs ? 'up' : 'down';
      const bytesByDrive = new Map(own?.drives.map((d) => [d.id, d.bytesWritten]) ?? []);
      return {
        id: spec.id,
        state,
        lastHeartbeatAgoMs: freshestAgoMs === null ? null : Math.round(freshestAgoMs),
        vns: spec.vns.map((vn) => ({ id: vn.id, driveId: vn.driveId, state: state === 'up' ? 'up' : 'down' })),
        drives: spec.drives.map((d) => ({ id: d.id, capacityBytes: d.capacityBytes, bytesWritten: bytesByDrive.get(d.id) ?? 0, state: 'ok' })),
        error: own?.error ?? null,
      };
    });
    const nodesUp = nodes.filter((n) => n.state === 'up').length;
    const reasons: string[] = [];
    const down = nodes.filter((n) => n.state !== 'up').map((n) => n.id);
    if (down.length > 0) reasons.push(`node${down.length > 1 ? 's' : ''} not up: ${down.join(', ')}`);
    const quorum = Math.floor(nodes.length / 2) + 1;
    const availability = nodesUp >= quorum ? 'online' : 'offline';
    if (availability === 'offline') reasons.push(`only ${nodesUp} of ${nodes.length} nodes up; ${quorum} needed for quorum`);
    return {
      clusterId: this.manifest.clusterId,
      name: this.manifest.name,
      createdAt: this.manifest.createdAt,
      availability,
      redundancy: down.length === 0 ? 'healthy' : 'degraded',
      reasons,
      nodes,
      counts: {
        nodesUp,
        nodesTotal: nodes.length,
        vns: nodes.reduce((sum, n) => sum + n.vns.length, 0),
        drives: nodes.reduce((sum, n) => sum + n.drives.length, 0),
      },
      uptimeMs: Math.round(performance.now() - this.startedAtMs),
    };
  }

  /** Stops every node, flushes and closes the drives, and releases the data directory. */
  async close(): Promise<void> {
    for (const { node } of this.nodes.values()) node.stop();
    await Promise.all([...this.nodes.values()].map(({ runtime }) => runtime.shutdown()));
    this.nodes.clear();
    this.releaseLock?.();
    this.releaseLock = undefined;
  }
}
