// The apply of long-running operations: scale-out, decommission and rebalance start with a
// target map computed by placement (deterministically, inside the apply, so every replica holds
// the same plan); cancel and finish end them. The slices themselves move through ordinary
// `slices.reconfigure` entries proposed by the migration driver (migration-driver.ts).

import type { PlacementVersion } from '../placement/types';
import { allVns, TOPOLOGY_LIMITS, type NodeSpec, type VnSpec } from '../topology/topology';
import type { DecommissionCommand, OperationEndCommand, RebalanceCommand, ScaleOutCommand } from './commands';
import type { EventCode, EventSeverity, EventSubject } from './events';
import { remainingCopies, remainingRoleChanges } from './migration-driver';
import {
  OPERATIONS_RETAINED_MAX, runningOperation,
  type ClusterOperation, type ContainerRecord, type ControllerState, type NodeAdminState, type OperationKind, type TargetRoles,
} from './state';
import { stateVnHealth } from './vn-health';

/** Placement as the controller uses it (engine/placement, injected so tests can stub it). */
export interface Placement {
  /** A balanced map for a new container. */
  initial(vns: readonly VnSpec[], sliceCount: number, version: PlacementVersion): ReadonlyArray<{ readonly primary: string; readonly secondary: string }>;
  /** A balanced map over `vns` keeping as many of `map`'s roles as it can. */
  rebalance(vns: readonly VnSpec[], map: ReadonlyArray<{ readonly primary: string; readonly secondary: string }>, version: PlacementVersion): ReadonlyArray<{ readonly primary: string; readonly secondary: string }>;
}

export interface OperationApplyContext {
  readonly index: number;
  readonly placement: Placement;
  emit(severity: EventSeverity, code: EventCode, subject: EventSubject, message: string): void;
}

export type OperationOutcome = { readonly ok: true; readonly state: ControllerState } | { readonly ok: false; readonly code: string; readonly message: string };

const refuse = (code: string, message: string): OperationOutcome => ({ ok: false, code, message });

/**
 * Targets for every container over the VNs that may hold roles, and the plan's move counts.
 * A move is a slice copy made on a VN that holds none (what costs bytes); role switches among
 * copies already held are free. The ideal is the least any scheme reaching the same balanced
 * role counts must copy: every VN that gains roles gets at least that many new copies. For a
 * scale-out that is the new VNs' share; for a decommission, the leaving node's roles.
 */
function plan(state: ControllerState, placement: Placement, roleVns: readonly VnSpec[]): { targets: Record<string, TargetRoles[]>; plannedMoves: number; idealMoves: number } {
  const targets: Record<string, TargetRoles[]> = {};
  let plannedMoves = 0;
  const gain = new Map<string, number>();
  const bump = (vn: string, by: number): void => { gain.set(vn, (gain.get(vn) ?? 0) + by); };
  for (const [name, container] of Object.entries(state.containers)) {
    const map = container.slices.map((s) => ({ primary: s.primary, secondary: s.secondary }));
    const target = placement.rebalance(roleVns, map, state.placementVersion);
    targets[name] = target.map((t) => [t.primary, t.secondary] as const);
    target.forEach((t, slice) => {
      const old = map[slice];
      const held = [old?.primary, old?.secondary];
      if (!held.includes(t.primary)) plannedMoves++;
      if (!held.includes(t.secondary)) plannedMoves++;
      bump(t.primary, 1);
      bump(t.secondary, 1);
      if (old !== undefined) {
        bump(old.primary, -1);
        if (old.secondary !== '') bump(old.secondary, -1);
      }
    });
  }
  const idealMoves = [...gain.values()].reduce((sum, g) => sum + Math.max(0, g), 0);
  return { targets, plannedMoves, idealMoves };
}

function withOperation(state: ControllerState, operation: ClusterOperation): ControllerState {
  const finished = state.operations.filter((op) => op.state !== 'running');
  const kept = finished.slice(Math.max(0, finished.length - (OPERATIONS_RETAINED_MAX - 1)));
  return { ...state, operations: [...kept, operation] };
}

function replaceOperation(state: ControllerState, operation: ClusterOperation): ControllerState {
  return { ...state, operations: state.operations.map((op) => (op.id === operation.id ? operation : op)) };
}

/** Placement refused the plan (too few nodes that may hold roles, for instance). */
class PlanError extends Error {}

function start(state: ControllerState, ctx: OperationApplyContext, kind: OperationKind, actor: string, timeMs: number, nodes: readonly string[], roleVns: readonly VnSpec[]): { state: ControllerState; operation: ClusterOperation } {
  let planned: ReturnType<typeof plan>;
  try {
    planned = plan(state, ctx.placement, roleVns);
  } catch (error) {
    // The apply is total: a plan placement cannot make is refused, the same on every replica.
    throw new PlanError(`placement: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { targets, plannedMoves, idealMoves } = planned;
  const operation: ClusterOperation = {
    id: `op-${ctx.index}`, kind, state: plannedMoves === 0 ? 'done' : 'running', actor, startedAtMs: timeMs, finishedAtMs: plannedMoves === 0 ? timeMs : null,
    nodes, targets, plannedMoves, idealMoves, message: plannedMoves === 0 ? 'nothing to move' : '',
  };
  return { state: withOperation(state, operation), operation };
}

function ratioText(operation: ClusterOperation): string {
  if (operation.idealMoves === 0) return '';
  return ` (ideal ${operation.idealMoves}, ratio ${(operation.plannedMoves / operation.idealMoves).toFixed(3)})`;
}

/** VNs that may hold roles in a target map: nodes up, drives in service. */
function roleVnsOf(state: ControllerState, extraNodes: readonly NodeSpec[] = [], excludeNode = ''): VnSpec[] {
  const health = stateVnHealth(state);
  const fromState = allVns(state.topology).filter((vn) => vn.nodeId !== excludeNode && health.eligible(vn.id));
  return [...fromState, ...extraNodes.flatMap((n) => n.vns)];
}

function checkNewNodes(state: ControllerState, nodes: readonly NodeSpec[]): string | null {
  if (nodes.length === 0) return 'nodes: add at least one node';
  const liveNodes = state.topology.nodes.length + nodes.length;
  if (liveNodes > TOPOLOGY_LIMITS.nodeCountMax) return `nodes: the cluster would have ${liveNodes} nodes, more than ${TOPOLOGY_LIMITS.nodeCountMax}`;
  const known = new Set(state.topology.nodes.map((n) => n.id));
  const vnIds = new Set(allVns(state.topology).map((v) => v.id));
  for (const node of nodes) {
    if (known.has(node.id)) return `nodes: ${node.id} is already in the cluster`;
    known.add(node.id);
    if (node.vns.length < TOPOLOGY_LIMITS.vnsPerNodeMin || node.vns.length > TOPOLOGY_LIMITS.vnsPerNodeMax) return `vnsPerNode: must be ${TOPOLOGY_LIMITS.vnsPerNodeMin}..${TOPOLOGY_LIMITS.vnsPerNodeMax} (found ${node.vns.length} on ${node.id})`;
    if (node.drives.length < TOPOLOGY_LIMITS.drivesPerNodeMin || node.drives.length > TOPOLOGY_LIMITS.drivesPerNodeMax) return `drivesPerNode: must be ${TOPOLOGY_LIMITS.drivesPerNodeMin}..${TOPOLOGY_LIMITS.drivesPerNodeMax} (found ${node.drives.length} on ${node.id})`;
    const drives = new Set(node.drives.map((d) => d.id));
    for (const vn of node.vns) {
      if (vnIds.has(vn.id)) return `vns: ${vn.id} exists already`;
      vnIds.add(vn.id);
      if (vn.nodeId !== node.id || !drives.has(vn.driveId)) return `vns: ${vn.id} must live on a drive of ${node.id}`;
    }
  }
  return null;
}

/** Runs an operation's apply, turning a placement refusal into a refused command. */
function planned(run: () => OperationOutcome): OperationOutcome {
  try {
    return run();
  } catch (error) {
    if (error instanceof PlanError) return refuse('PlacementFailed', error.message);
    throw error;
  }
}

export function applyScaleOut(state: ControllerState, command: ScaleOutCommand, ctx: OperationApplyContext): OperationOutcome {
  return planned(() => scaleOut(state, command, ctx));
}

export function applyDecommission(state: ControllerState, command: DecommissionCommand, ctx: OperationApplyContext): OperationOutcome {
  return planned(() => decommission(state, command, ctx));
}

export function applyRebalance(state: ControllerState, command: RebalanceCommand, ctx: OperationApplyContext): OperationOutcome {
  return planned(() => rebalanceStart(state, command, ctx));
}

function scaleOut(state: ControllerState, command: ScaleOutCommand, ctx: OperationApplyContext): OperationOutcome {
  const running = runningOperation(state);
  if (running !== undefined) return refuse('Conflict', `operation ${running.id} (${running.kind}) is running; wait for it or cancel it first`);
  const problem = checkNewNodes(state, command.nodes);
  if (problem !== null) return refuse('InvalidArgument', problem);
  const nodeStates: Record<string, NodeAdminState> = { ...state.nodeStates };
  for (const node of command.nodes) nodeStates[node.id] = 'up';
  const grown: ControllerState = { ...state, topology: { nodes: [...state.topology.nodes, ...command.nodes] }, nodeStates };
  for (const node of command.nodes) ctx.emit('info', 'node.added', { kind: 'node', id: node.id }, `node ${node.id} added with ${node.vns.length} VNs on ${node.drives.length} drives`);
  const { state: next, operation } = start(grown, ctx, 'scale-out', command.actor, command.timeMs, command.nodes.map((n) => n.id), roleVnsOf(grown));
  ctx.emit('info', 'operation.started', { kind: 'operation', id: operation.id },
    `scale-out to ${next.topology.nodes.length} nodes: ${operation.plannedMoves} copy moves planned${ratioText(operation)}`);
  return { ok: true, state: next };
}

function decommission(state: ControllerState, command: DecommissionCommand, ctx: OperationApplyContext): OperationOutcome {
  const running = runningOperation(state);
  if (running !== undefined) return refuse('Conflict', `operation ${running.id} (${running.kind}) is running; wait for it or cancel it first`);
  const current = state.nodeStates[command.nodeId];
  if (current === undefined) return refuse('NotFound', `nodeId: no node ${command.nodeId}`);
  if (current === 'offline') return refuse('Conflict', `nodeId: ${command.nodeId} is offline; bring it online before draining it`);
  const remaining = state.topology.nodes.length - 1;
  if (remaining < TOPOLOGY_LIMITS.nodeCountMin) return refuse('Conflict', `nodeId: a cluster keeps at least ${TOPOLOGY_LIMITS.nodeCountMin} nodes (it has ${state.topology.nodes.length})`);
  const draining: ControllerState = { ...state, nodeStates: { ...state.nodeStates, [command.nodeId]: current === 'up' ? 'draining' : current } };
  ctx.emit('warning', 'node.draining', { kind: 'node', id: command.nodeId }, `node ${command.nodeId} draining: its slices move to the other nodes`);
  const { state: next, operation } = start(draining, ctx, 'decommission', command.actor, command.timeMs, [command.nodeId], roleVnsOf(draining, [], command.nodeId));
  ctx.emit('info', 'operation.started', { kind: 'operation', id: operation.id }, `decommission of ${command.nodeId}: ${operation.plannedMoves} copy moves planned`);
  return { ok: true, state: operation.state === 'done' ? removeNode(next, command.nodeId, ctx) : next };
}

function rebalanceStart(state: ControllerState, command: RebalanceCommand, ctx: OperationApplyContext): OperationOutcome {
  const running = runningOperation(state);
  if (running !== undefined) return refuse('Conflict', `operation ${running.id} (${running.kind}) is running; wait for it or cancel it first`);
  const { state: next, operation } = start(state, ctx, 'rebalance', command.actor, command.timeMs, [], roleVnsOf(state));
  ctx.emit('info', operation.state === 'done' ? 'operation.finished' : 'operation.started', { kind: 'operation', id: operation.id },
    operation.state === 'done' ? `rebalance: the map is already balanced (${command.reason})` : `rebalance (${command.reason}): ${operation.plannedMoves} copy moves planned`);
  return { ok: true, state: next };
}

/** A drained node leaves the topology; its data directory is left for the operator. */
function removeNode(state: ControllerState, nodeId: string, ctx: OperationApplyContext): ControllerState {
  const node = state.topology.nodes.find((n) => n.id === nodeId);
  const nodeStates = Object.fromEntries(Object.entries(state.nodeStates).filter(([id]) => id !== nodeId));
  const driveIds = new Set(node?.drives.map((d) => d.id) ?? []);
  const drives = Object.fromEntries(Object.entries(state.drives).filter(([id]) => !driveIds.has(id)));
  ctx.emit('warning', 'node.removed', { kind: 'node', id: nodeId }, `node ${nodeId} removed from the cluster`);
  return { ...state, topology: { nodes: state.topology.nodes.filter((n) => n.id !== nodeId) }, nodeStates, drives };
}

/** Slices whose learner belongs to a cancelled plan lose it (their roles stay as they are). */
function clearLearners(containers: Readonly<Record<string, ContainerRecord>>): Record<string, ContainerRecord> {
  const out: Record<string, ContainerRecord> = {};
  for (const [name, container] of Object.entries(containers)) {
    const slices = container.slices.map((slice) => {
      if (slice.learner === undefined) return slice;
      return { primary: slice.primary, secondary: slice.secondary, epoch: slice.epoch + 1, inSync: slice.inSync.filter((vn) => vn !== slice.learner) };
    });
    out[name] = slices.some((s, i) => s !== container.slices[i]) ? { ...container, slices, mapEpoch: container.mapEpoch + 1 } : container;
  }
  return out;
}

export function applyOperationEnd(state: ControllerState, command: OperationEndCommand, ctx: OperationApplyContext): OperationOutcome {
  const operation = state.operations.find((op) => op.id === command.operationId);
  if (operation === undefined) return refuse('NotFound', `operationId: no operation ${command.operationId}`);
  if (operation.state !== 'running') return refuse('Conflict', `operationId: ${operation.id} is ${operation.state}`);
  const elapsedS = ((command.timeMs - operation.startedAtMs) / 1000).toFixed(1);
  if (command.type === 'operation.cancel') {
    let next: ControllerState = { ...state, containers: clearLearners(state.containers) };
    if (operation.kind === 'decommission') {
      for (const nodeId of operation.nodes) {
        if (next.nodeStates[nodeId] === 'draining') next = { ...next, nodeStates: { ...next.nodeStates, [nodeId]: 'up' } };
      }
    }
    const left = remainingCopies(next, operation);
    next = replaceOperation(next, { ...operation, state: 'cancelled', finishedAtMs: command.timeMs, message: command.reason });
    ctx.emit('warning', 'operation.cancelled', { kind: 'operation', id: operation.id },
      `${operation.kind} cancelled after ${elapsedS} s with ${left} of ${operation.plannedMoves} copy moves left: ${command.reason}`);
    return { ok: true, state: next };
  }
  const left = remainingRoleChanges(state, operation);
  if (left > 0) return refuse('Conflict', `operationId: ${operation.id} still has ${left} slice roles to change`);
  let next = replaceOperation(state, { ...operation, state: 'done', finishedAtMs: command.timeMs, message: command.reason });
  if (operation.kind === 'decommission') for (const nodeId of operation.nodes) next = removeNode(next, nodeId, ctx);
  ctx.emit('info', 'operation.finished', { kind: 'operation', id: operation.id }, `${operation.kind} finished in ${elapsedS} s: ${operation.plannedMoves} copy moves${ratioText(operation)}`);
  return { ok: true, state: next };
}
