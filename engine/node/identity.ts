// A node's durable identity: which cluster it belongs to, who it is, and the topology it was
// bootstrapped with. Written once, atomically and durably, before the node does anything else;
// a node whose data says it belongs to another cluster refuses to start.

import type { DurableStore } from '../runtime/runtime';
import type { ClusterTopology } from '../topology/topology';
import { decodeRecord, encodeRecord } from '../codec/json-bytes';

export const IDENTITY_KEY = 'meta/identity';
export const IDENTITY_FORMAT_VERSION = 1;

export interface NodeIdentity {
  readonly formatVersion: number;
  readonly clusterId: string;
  readonly nodeId: string;
  readonly topology: ClusterTopology;
  /**
   * The controller voters the cluster was bootstrapped with: the base configuration Raft
   * replays membership changes onto. Written for nodes that join later (their topology is the
   * grown one); absent on founding nodes, whose topology gives it.
   */
  readonly voters?: readonly string[];
}

export interface NodeBootstrap {
  readonly clusterId: string;
  readonly topology: ClusterTopology;
  readonly voters?: readonly string[];
}

export type IdentityResult = { readonly ok: true; readonly identity: NodeIdentity; readonly created: boolean } | { readonly ok: false; readonly error: string };

/** 128 random bits as 32 hex digits. */
export function newClusterId(random: { nextU32(): number }): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += random.nextU32().toString(16).padStart(8, '0');
  return hex;
}

export function readIdentity(store: DurableStore): NodeIdentity | undefined {
  const bytes = store.get(IDENTITY_KEY);
  if (bytes === undefined) return undefined;
  return decodeRecord(bytes, IDENTITY_KEY) as NodeIdentity;
}

/** The identity record is the only thing in the store (nothing was written after it). */
function identityIsAlone(store: DurableStore): boolean {
  return store.scan({ startKey: '', endKey: '\uffff', limit: 2 }).every(([key]) => key === IDENTITY_KEY);
}

/**
 * Loads the node's identity, or writes `bootstrap` as its identity when the store is new.
 * Calls back once the identity is durable.
 */
export function loadOrCreateIdentity(
  store: DurableStore,
  nodeId: string,
  bootstrap: NodeBootstrap | undefined,
  done: (result: IdentityResult) => void,
): void {
  let existing: NodeIdentity | undefined;
  try {
    existing = readIdentity(store);
  } catch (error) {
    if (!identityIsAlone(store)) {
      done({ ok: false, error: `node ${nodeId}: identity record unreadable (${String(error)})` });
      return;
    }
    // The identity is the node's first write and nothing is written before it is durable: a
    // damaged identity with nothing beside it is that first batch torn by a crash, so the node
    // never acted as anyone and starts as new (seed 50000652: power was lost while a node added
    // by a scale-out wrote its identity, and it refused to start for good).
    existing = undefined;
  }
  if (existing !== undefined) {
    if (existing.nodeId !== nodeId) {
      done({ ok: false, error: `data of node ${existing.nodeId} found where ${nodeId} was expected` });
    } else if (bootstrap !== undefined && existing.clusterId !== bootstrap.clusterId) {
      done({ ok: false, error: `node ${nodeId} belongs to cluster ${existing.clusterId}, not ${bootstrap.clusterId}` });
    } else {
      done({ ok: true, identity: existing, created: false });
    }
    return;
  }
  if (bootstrap === undefined) {
    done({ ok: false, error: `node ${nodeId} has no identity and no bootstrap was given` });
    return;
  }
  const base = { formatVersion: IDENTITY_FORMAT_VERSION, clusterId: bootstrap.clusterId, nodeId, topology: bootstrap.topology };
  const identity: NodeIdentity = bootstrap.voters === undefined ? base : { ...base, voters: bootstrap.voters };
  store.commit([{ key: IDENTITY_KEY, value: encodeRecord(identity) }], (result) => {
    if (result.ok) done({ ok: true, identity, created: true });
    else done({ ok: false, error: `node ${nodeId}: could not persist identity (${result.error})` });
  });
}
