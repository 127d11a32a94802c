// The shape the console and /healthz read: one consistent snapshot of the cluster.

export type Availability = 'online' | 'offline';
export type Redundancy = 'healthy' | 'degraded';

export interface DriveOverview {
  readonly id: string;
  readonly capacityBytes: number;
  readonly bytesWritten: number;
  readonly state: 'ok' | 'failed';
}

export interface VnOverview {
  readonly id: string;
  readonly driveId: string;
  readonly state: 'up' | 'down';
  /** Slices this VN is primary / secondary for, over all containers. */
  readonly primaries: number;
  readonly secondaries: number;
}

export interface NodeOverview {
  readonly id: string;
  readonly state: 'up' | 'down' | 'starting';
  /** Milliseconds since a peer last heard this node; null when no peer has. */
  readonly lastHeartbeatAgoMs: number | null;
  readonly vns: readonly VnOverview[];
  readonly drives: readonly DriveOverview[];
  readonly error: string | null;
}

export interface ClusterOverview {
  readonly clusterId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly availability: Availability;
  readonly redundancy: Redundancy;
  readonly reasons: readonly string[];
  readonly nodes: readonly NodeOverview[];
  readonly counts: {
    readonly nodesUp: number;
    readonly nodesTotal: number;
    readonly vns: number;
    readonly drives: number;
    readonly containers: number;
    readonly slicesTwoCopies: number;
    readonly slicesOneCopy: number;
    readonly slicesNoCopy: number;
  };
  readonly controller: { readonly leaderId: string | null; readonly term: number; readonly commitIndex: number };
  readonly uptimeMs: number;
}
