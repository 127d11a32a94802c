// Scale-out: the request checked against named limits and turned into the specs of the new
// nodes (ids never repeat one the cluster has, had or is adding right now), then run: start the
// nodes, propose, roll back a refusal.

import type { CommandResult, ControllerCommand } from '../controller/commands';
import { runningOperation, type ControllerState } from '../controller/state';
import type { WallClock } from '../runtime/runtime';
import { buildNodeSpec, nextNodeIds, TOPOLOGY_LIMITS, type ClusterTopology, type NodeSpec } from '../topology/topology';
import type { ClusterMembership } from './cluster-host';
import type { ProposeRetryOptions } from './propose-with-retry';

/** Nodes one scale-out may add. */
export const SCALE_OUT_NODES_MAX = 16;

export interface ScaleOutShape {
  readonly nodes: number;
  readonly vnsPerNode: number;
  readonly drivesPerNode: number;
  readonly driveCapacityBytes: number;
}

/** Why the request is invalid (naming the field and the limit), or null. */
export function scaleOutShapeProblem(shape: ScaleOutShape): string | null {
  const L = TOPOLOGY_LIMITS;
  if (!Number.isInteger(shape.nodes) || shape.nodes < 1 || shape.nodes > SCALE_OUT_NODES_MAX) return `nodes: must be an integer in 1..${SCALE_OUT_NODES_MAX} (found ${shape.nodes})`;
  if (!Number.isInteger(shape.vnsPerNode) || shape.vnsPerNode < L.vnsPerNodeMin || shape.vnsPerNode > L.vnsPerNodeMax) return `vnsPerNode: must be an integer in ${L.vnsPerNodeMin}..${L.vnsPerNodeMax} (found ${shape.vnsPerNode})`;
  if (!Number.isInteger(shape.drivesPerNode) || shape.drivesPerNode < L.drivesPerNodeMin || shape.drivesPerNode > L.drivesPerNodeMax) return `drivesPerNode: must be an integer in ${L.drivesPerNodeMin}..${L.drivesPerNodeMax} (found ${shape.drivesPerNode})`;
  return null;
}

/** The new nodes' specs: ids after every id in use, retired or being added. */
export function scaleOutSpecs(committed: ClusterTopology, membership: ClusterMembership, adding: readonly NodeSpec[], shape: ScaleOutShape): NodeSpec[] {
  const used = [...committed.nodes, ...membership.topology.nodes, ...adding].map((n) => n.id).concat(membership.retiredNodeIds);
  return nextNodeIds(used, shape.nodes).map((id) => buildNodeSpec(id, shape));
}

export type ScaleOutResult =
  | { readonly ok: true; readonly operationId: string; readonly nodes: readonly string[] }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** What running a scale-out needs from the orchestrator. */
export interface ScaleOutDeps {
  freshestState(): ControllerState | undefined;
  topology(): ClusterTopology;
  membership(): ClusterMembership;
  /** Specs of the nodes being added (by any scale-out under way). */
  adding(): readonly NodeSpec[];
  setAdding(specs: readonly NodeSpec[]): void;
  startNode(nodeId: string, topology: ClusterTopology, started: (error: string | null) => void): void;
  stopNode(nodeId: string, stopped: () => void): void;
  discardNode(nodeId: string): void;
  proposeWithRetry(command: ControllerCommand, options: ProposeRetryOptions, done: (result: CommandResult) => void): void;
  followTopology(done: () => void): void;
  readonly wallClock: WallClock;
  readonly log: (line: string) => void;
}

/**
 * The new nodes start empty (joining the controller as Raft learners), then `scale-out.start`
 * is proposed; the controller's leader migrates slices onto them. Refused for good (or a node
 * that does not start): the new nodes are stopped and their data discarded.
 */
export function runScaleOut(deps: ScaleOutDeps, shape: ScaleOutShape, actor: string, done: (result: ScaleOutResult) => void): void {
  const problem = scaleOutShapeProblem(shape);
  if (problem !== null) {
    done({ ok: false, code: 'InvalidArgument', message: problem });
    return;
  }
  const state = deps.freshestState();
  const running = state === undefined ? undefined : runningOperation(state);
  if (running !== undefined) {
    done({ ok: false, code: 'Conflict', message: `operation ${running.id} (${running.kind}) is running; wait for it or cancel it first` });
    return;
  }
  const committed = deps.topology();
  const specs = scaleOutSpecs(committed, deps.membership(), deps.adding(), shape);
  const grown: ClusterTopology = { nodes: [...committed.nodes, ...specs] };
  deps.setAdding([...deps.adding(), ...specs]);
  const added = (): void => deps.setAdding(deps.adding().filter((s) => !specs.includes(s)));
  // What a join that never committed left behind (a crash mid-way) is not a member: start clean.
  for (const spec of specs) deps.discardNode(spec.id);
  const rollBack = (result: { readonly code: string; readonly message: string }): void => {
    added();
    let left = specs.length;
    for (const spec of specs) {
      deps.stopNode(spec.id, () => {
        deps.discardNode(spec.id);
        if (--left === 0) done({ ok: false, ...result });
      });
    }
  };
  const startErrors: string[] = [];
  const propose = (): void => {
    if (startErrors.length > 0) {
      rollBack({ code: 'StartFailed', message: `new nodes did not start: ${startErrors.join('; ')}` });
      return;
    }
    const command: ControllerCommand = { type: 'scale-out.start', actor, timeMs: deps.wallClock.epochMs(), nodes: specs };
    deps.proposeWithRetry(command, { applied: (s) => specs.every((spec) => s.nodeStates[spec.id] !== undefined) }, (result) => {
      if (!result.ok) {
        rollBack(result);
        return;
      }
      added();
      deps.followTopology(() => {
        const operation = deps.freshestState()?.operations.find((op) => op.kind === 'scale-out' && op.nodes.includes(specs[0]?.id ?? ''));
        deps.log(`scale-out: added ${specs.map((s) => s.id).join(', ')}; operation ${operation?.id ?? '?'}`);
        done({ ok: true, operationId: operation?.id ?? '', nodes: specs.map((s) => s.id) });
      });
    });
  };
  let waiting = specs.length;
  for (const spec of specs) {
    deps.startNode(spec.id, grown, (error) => {
      if (error !== null) startErrors.push(`${spec.id}: ${error}`);
      if (--waiting === 0) propose();
    });
  }
}
