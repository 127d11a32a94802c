// Which VNs can serve and which may take new roles, from the committed state: a VN serves while
// its node is up (or draining: it still serves while its slices move away) and its drive is in
// service; it may receive new roles only on a node that is up. Every decision that places or
// promotes a copy asks here, so failover, placement of operations and auto-online agree.

import type { ClusterTopology } from '../topology/topology';
import type { ControllerState, DriveRecord, NodeAdminState } from './state';

export interface VnHealth {
  /** The node holding `vn`, or undefined for an unknown VN. */
  nodeOf(vn: string): string | undefined;
  /** The VN's copies can be read and written: node up or draining, drive in service. */
  serving(vn: string): boolean;
  /** The VN may be given a new role (a new secondary, a migration target). */
  eligible(vn: string): boolean;
  /** Every VN of the topology, in topology order. */
  readonly vns: readonly string[];
}

const SERVING_NODE_STATES: ReadonlySet<NodeAdminState> = new Set(['up', 'draining']);

export function vnHealth(
  topology: ClusterTopology,
  nodeStates: Readonly<Record<string, NodeAdminState>>,
  drives: Readonly<Record<string, DriveRecord>>,
): VnHealth {
  const nodeOfVn = new Map<string, string>();
  const driveOfVn = new Map<string, string>();
  const vns: string[] = [];
  for (const node of topology.nodes) {
    for (const vn of node.vns) {
      nodeOfVn.set(vn.id, node.id);
      driveOfVn.set(vn.id, vn.driveId);
      vns.push(vn.id);
    }
  }
  const driveOk = (vn: string): boolean => (drives[driveOfVn.get(vn) ?? '']?.state ?? 'ok') === 'ok';
  const nodeState = (vn: string): NodeAdminState | undefined => nodeStates[nodeOfVn.get(vn) ?? ''];
  return {
    vns,
    nodeOf: (vn) => nodeOfVn.get(vn),
    serving: (vn) => {
      const state = nodeState(vn);
      return vn !== '' && state !== undefined && SERVING_NODE_STATES.has(state) && driveOk(vn);
    },
    eligible: (vn) => vn !== '' && nodeState(vn) === 'up' && driveOk(vn),
  };
}

export function stateVnHealth(state: ControllerState): VnHealth {
  return vnHealth(state.topology, state.nodeStates, state.drives);
}
