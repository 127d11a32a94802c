// Messages of the data plane. Clients talk to the node of a slice's primary VN; primaries talk
// to secondaries; any node forwards controller proposals to the controller leader. Every
// message about a slice carries the epoch its sender believes, for fencing.

import type { CommandResult, ControllerCommand } from '../controller/commands';
import type { Stamp } from './object-record';

export const DATA_REQUEST = 'data.req';
export const DATA_RESPONSE = 'data.res';
export const REPL_WRITE = 'repl.write';
export const REPL_BEGIN = 'repl.begin';
export const REPL_ACK = 'repl.ack';
export const REPL_FETCH = 'repl.fetch';
export const CTL_PROPOSE = 'ctl.propose';
export const CTL_RESULT = 'ctl.result';
export const LEASE_REQUEST = 'lease.req';
export const LEASE_GRANT = 'lease.grant';

export interface SliceAddress {
  readonly container: string;
  readonly slice: number;
  readonly epoch: number;
}

export interface WriteCondition {
  /** Succeed only if the object exists with this version. */
  readonly ifMatch?: number;
  /** Succeed only if the object does not exist. */
  readonly ifNoneMatch?: boolean;
}

/**
 * Identifies a write across retries. `settledBelow`: every request of this client with a lower
 * seq has its final answer, so replicas may forget their dedup records.
 */
export interface RequestId {
  readonly clientId: string;
  readonly seq: number;
  readonly settledBelow: number;
}

export type DataOp =
  | (SliceAddress & { readonly type: 'put'; readonly key: string; readonly value: Uint8Array; readonly condition: WriteCondition } & RequestId)
  | (SliceAddress & { readonly type: 'delete'; readonly key: string; readonly condition: WriteCondition } & RequestId)
  | (SliceAddress & { readonly type: 'get'; readonly key: string })
  | { readonly type: 'list'; readonly container: string; readonly prefix: string; readonly cursor: string; readonly limit: number }
  | { readonly type: 'map'; readonly container: string };

export interface DataRequest {
  readonly kind: typeof DATA_REQUEST;
  readonly reqId: number;
  readonly op: DataOp;
}

/** Where the answering node believes a slice lives now, so a client re-routes in one hop. */
export interface SliceHint {
  readonly primary: string;
  readonly primaryNode: string;
  readonly epoch: number;
}

export interface ContainerMap {
  readonly name: string;
  readonly sliceCount: number;
  readonly seedHex: string;
  readonly primaries: readonly string[];
  readonly epochs: readonly number[];
  readonly vnNodes: Readonly<Record<string, string>>;
}

export interface ListedKey {
  readonly key: string;
  readonly version: number;
  readonly size: number;
}

export type ErrorCode =
  | 'NotFound'
  | 'NoSuchContainer'
  | 'PreconditionFailed'
  | 'InvalidArgument'
  | 'TooLarge'
  /** The client's epoch is older than the replica's: refresh the map (hint attached). */
  | 'StaleEpoch'
  /** The replica has not applied the client's (newer) epoch yet: retry shortly. */
  | 'Behind'
  /** The slice or cluster cannot serve now (no lease, activating, no copy): retry. */
  | 'Unavailable'
  | 'Busy'
  | 'Timeout'
  | 'Internal';

export type DataResult =
  | { readonly ok: true; readonly version?: number; readonly value?: Uint8Array; readonly keys?: readonly ListedKey[]; readonly more?: boolean; readonly map?: ContainerMap }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly hint?: SliceHint; readonly currentVersion?: number };

export interface DataResponse {
  readonly kind: typeof DATA_RESPONSE;
  readonly reqId: number;
  readonly result: DataResult;
}

export interface ReplItem {
  readonly key: string;
  readonly record: Uint8Array;
}

/** Primary → secondary: merge these records (higher stamp wins), answer once durable. */
export interface ReplWrite extends SliceAddress {
  readonly kind: typeof REPL_WRITE;
  readonly id: number;
  readonly fromVn: string;
  readonly toVn: string;
  readonly items: readonly ReplItem[];
  /** Set while the target is being rebuilt: it accepts only the rebuild it was wiped for. */
  readonly rebuildId?: string;
  /** Dedup records of this client below this seq may be dropped (see RequestId). */
  readonly settled?: { readonly clientId: string; readonly below: number };
}

/** Primary → rebuild target: drop whatever this slice held, a full copy follows. */
export interface ReplBegin extends SliceAddress {
  readonly kind: typeof REPL_BEGIN;
  readonly id: number;
  readonly fromVn: string;
  readonly toVn: string;
  readonly rebuildId: string;
}

export interface ReplAck {
  readonly kind: typeof REPL_ACK;
  readonly id: number;
  readonly ok: boolean;
  readonly code: string;
  /** Answer to a fetch: the valid records found (a key absent here is absent there too). */
  readonly items?: readonly ReplItem[];
  /** Answer to a fetch: keys whose record is corrupt there as well. */
  readonly corruptKeys?: readonly string[];
  /** Answer to a fetch with `since`: the slice key to continue from; absent at the end. */
  readonly next?: string;
}

/**
 * Between the two copies of a slice, either way: send me your records of these keys. Used to
 * repair a record that failed its checksum (a torn write, a flipped bit) from the other copy.
 * With `since` (a restarted primary's reconciliation), `keys` is ignored and the answer is a
 * chunk of every record of the slice stamped above `since`, from slice key `from` on.
 */
export interface ReplFetch extends SliceAddress {
  readonly kind: typeof REPL_FETCH;
  readonly id: number;
  readonly fromVn: string;
  readonly toVn: string;
  readonly keys: readonly string[];
  readonly since?: Stamp;
  readonly from?: string;
}

export interface CtlPropose {
  readonly kind: typeof CTL_PROPOSE;
  readonly id: number;
  readonly command: ControllerCommand;
}

export interface CtlResult {
  readonly kind: typeof CTL_RESULT;
  readonly id: number;
  readonly result: CommandResult;
}

export interface LeaseRequest {
  readonly kind: typeof LEASE_REQUEST;
  /** The requester's monotonic time at sending; its lease runs from here, never from arrival. */
  readonly sentAtMs: number;
}

export interface LeaseGrant {
  readonly kind: typeof LEASE_GRANT;
  readonly sentAtMs: number;
  /** The granting leader's commit index: the lease counts only once the holder applied it. */
  readonly commitIndex: number;
}
