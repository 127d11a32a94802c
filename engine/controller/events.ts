// The events log's records. Ordered by the Raft index of the command that produced them, so
// every node's log is the same sequence.

export type EventSeverity = 'info' | 'warning' | 'error' | 'critical';

export type EventCode =
  | 'cluster.bootstrapped'
  | 'cluster.offline'
  | 'cluster.online'
  | 'cluster.auto-online.attempt'
  | 'cluster.auto-online.failed'
  | 'node.down'
  | 'node.up'
  | 'node.offline'
  | 'node.online'
  | 'container.created'
  | 'container.deleted'
  | 'settings.changed'
  | 'slice.failover'
  | 'slice.reconfigured'
  | 'node.added'
  | 'node.draining'
  | 'node.removed'
  | 'operation.started'
  | 'operation.progress'
  | 'operation.finished'
  | 'operation.cancelled'
  | 'drive.failed'
  | 'drive.replaced'
  | 'command.rejected';

export interface EventSubject {
  readonly kind: 'cluster' | 'node' | 'vn' | 'drive' | 'container' | 'slice' | 'settings' | 'operation';
  readonly id: string;
}

export interface ClusterEvent {
  /** Position in the log: (Raft index, order within the command). */
  readonly index: number;
  readonly seq: number;
  /** The proposer's wall-clock time in ms since the epoch, carried in the command (never read here). */
  readonly timeMs: number;
  readonly severity: EventSeverity;
  readonly code: EventCode;
  readonly subject: EventSubject;
  readonly message: string;
  readonly actor: string;
}

/** The state machine keeps the newest events; older ones are dropped (bounded state). */
export const EVENTS_RETAINED_MAX = 10_000;
