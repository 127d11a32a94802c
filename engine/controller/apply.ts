// Applies one committed command to the controller state: deterministic, total (every command
// gets a result, invalid ones are rejected with a code and leave the state unchanged apart from
// the applied index), and it never reads a clock or random source. Commands are checked first by
// validateCommand (the same function the proposer ran); anything that still throws is caught at
// the top and rejected as ApplyError with an error event, so one bad entry can never stop a
// replica, nor every replica again on each restart as it replays the log.

import { allDrives, allVns } from '../topology/topology';
import { unreachable } from '../util/assert';
import type { CommandResult, ControllerCommand, DecommissionCommand, DriveCommand, OperationEndCommand, RebalanceCommand, ScaleOutCommand } from './commands';
import { EVENTS_RETAINED_MAX, type ClusterEvent, type EventCode, type EventSeverity, type EventSubject } from './events';
import { applyDecommission, applyOperationEnd, applyRebalance, applyScaleOut, type OperationApplyContext, type OperationOutcome, type Placement } from './operations-apply';
import type { PlacementVersion } from '../placement/types';
import { validateSettings, withSettingDefaults, type ClusterSettings } from './settings';
import { failoverContainer } from './slice-failover';
import { appliedSliceChange, checkSliceChange } from './slice-reconfigure';
import { runningOperation, type ContainerRecord, type ControllerState, type NodeAdminState, type SliceEntry } from './state';
import { validateCommand } from './validate-command';
import { stateVnHealth } from './vn-health';

export type { Placement } from './operations-apply';
export { CLUSTER_SLICES_MAX, CONTAINER_NAME_PATTERN, CONTAINERS_MAX } from './validate-command';

/** Longest error message an ApplyError rejection and its event carry. */
export const APPLY_ERROR_MESSAGE_MAX = 500;

const NODE_TARGET = { 'node.down': 'down', 'node.up': 'up', 'node.offline': 'offline', 'node.online': 'up' } as const;

export interface ApplyOutcome {
  readonly state: ControllerState;
  readonly result: CommandResult;
}

function reject(state: ControllerState, index: number, code: string, message: string): ApplyOutcome {
  return { state: { ...state, appliedIndex: index }, result: { ok: false, code, message } };
}

/** A new container's map, or why placement could not make one (the same on every replica). */
function buildContainer(placement: Placement, state: ControllerState, name: string, sliceCount: number, seedHex: string, timeMs: number): ContainerRecord | string {
  const health = stateVnHealth(state);
  let map: ReturnType<Placement['initial']>;
  try {
    map = placement.initial(allVns(state.topology).filter((vn) => health.eligible(vn.id)), sliceCount, state.placementVersion);
  } catch (error) {
    return `placement: ${error instanceof Error ? error.message : String(error)}`;
  }
  const slices: SliceEntry[] = map.map((s) => ({ primary: s.primary, secondary: s.secondary, epoch: 1, inSync: [s.primary, s.secondary] }));
  return { name, sliceCount, seedHex, mapEpoch: 1, slices, createdAtMs: timeMs };
}

/** Test-only safety breakers of the controller (the swarm's canaries). */
export interface ControllerCanaries {
  readonly promoteOutOfSync?: boolean;
}

/**
 * Fails over every container after VNs stopped serving (a node or a drive): promotions, new
 * secondaries and dropped learners, in the same entry as the state change that caused them.
 */
function failoverAll(state: ControllerState, emit: (severity: EventSeverity, code: EventCode, subject: EventSubject, message: string) => void, promoteOutOfSync: boolean): Record<string, ContainerRecord> {
  const health = stateVnHealth(state);
  const containers: Record<string, ContainerRecord> = {};
  for (const [name, container] of Object.entries(state.containers)) {
    const { container: next, summary } = failoverContainer(container, health, promoteOutOfSync);
    containers[name] = next;
    if (summary.promoted + summary.secondariesReplaced + summary.unavailable > 0) {
      emit(summary.unavailable > 0 ? 'critical' : 'warning', 'slice.failover', { kind: 'container', id: name },
        `${name}: ${summary.promoted} primaries promoted, ${summary.secondariesReplaced} new secondaries to rebuild` +
        (summary.unavailable > 0 ? `, ${summary.unavailable} slices without an available in-sync copy` : ''));
    }
  }
  return containers;
}

function applyDrive(state: ControllerState, command: DriveCommand, ctx: OperationApplyContext, promoteOutOfSync: boolean): OperationOutcome {
  if (!allDrives(state.topology).some((d) => d.id === command.driveId)) return { ok: false, code: 'NotFound', message: `driveId: no drive ${command.driveId}` };
  const current = state.drives[command.driveId] ?? { state: 'ok' as const, generation: 0, reason: '', sinceMs: 0 };
  if (command.type === 'drive.fail' && current.state === 'failed') return { ok: true, state };
  // Replacing a working drive retires it first: its data goes with it.
  const failed: ControllerState = { ...state, drives: { ...state.drives, [command.driveId]: { ...current, state: 'failed', reason: command.reason, sinceMs: command.timeMs } } };
  if (current.state === 'ok') ctx.emit('error', 'drive.failed', { kind: 'drive', id: command.driveId }, `drive ${command.driveId} failed: ${command.reason}`);
  const afterFailover: ControllerState = current.state === 'ok' ? { ...failed, containers: failoverAll(failed, (...args) => { ctx.emit(...args); }, promoteOutOfSync) } : failed;
  if (command.type === 'drive.fail') return { ok: true, state: afterFailover };
  // The new drive is empty: no slice may still count on a copy on the old one (a slice whose
  // other copy is on a down node keeps its roles until that node returns and takes over).
  const vnsOnDrive = new Set(allVns(state.topology).filter((vn) => vn.driveId === command.driveId).map((vn) => vn.id));
  let counting = 0;
  let example = '';
  for (const container of Object.values(afterFailover.containers)) {
    container.slices.forEach((slice, i) => {
      if (!slice.inSync.some((vn) => vnsOnDrive.has(vn))) return;
      counting++;
      example ||= `${container.name}/${i}`;
    });
  }
  if (counting > 0) return { ok: false, code: 'Conflict', message: `driveId: ${counting} slices still count on their copy on ${command.driveId} (e.g. ${example}); bring their other copy's node back first` };
  const replaced: ControllerState = { ...afterFailover, drives: { ...afterFailover.drives, [command.driveId]: { state: 'ok', generation: current.generation + 1, reason: command.reason, sinceMs: command.timeMs } } };
  ctx.emit('info', 'drive.replaced', { kind: 'drive', id: command.driveId }, `drive ${command.driveId} replaced by a new drive (generation ${current.generation + 1}): ${command.reason}`);
  // The new drive is empty: a rebalance gives its VNs their share again, copied from many peers.
  if (runningOperation(replaced) !== undefined) return { ok: true, state: replaced };
  const rebalanced = applyRebalance(replaced, { type: 'rebalance.start', actor: command.actor, timeMs: command.timeMs, reason: `drive ${command.driveId} replaced` }, ctx);
  return rebalanced.ok ? rebalanced : { ok: true, state: replaced };
}

function applyLongRunning(state: ControllerState, command: ScaleOutCommand | DecommissionCommand | RebalanceCommand | OperationEndCommand | DriveCommand, ctx: OperationApplyContext, promoteOutOfSync: boolean): OperationOutcome {
  switch (command.type) {
    case 'scale-out.start': return applyScaleOut(state, command, ctx);
    case 'decommission.start': return applyDecommission(state, command, ctx);
    case 'rebalance.start': return applyRebalance(state, command, ctx);
    case 'drive.fail':
    case 'drive.replace': return applyDrive(state, command, ctx, promoteOutOfSync);
    case 'operation.cancel':
    case 'operation.finish': return applyOperationEnd(state, command, ctx);
    default: return unreachable(command, 'operation command');
  }
}

/**
 * Applies `command` (as decoded from the log: its fields are checked, not trusted) at `index`.
 * Never throws: a command that cannot be applied is rejected with a code.
 */
export function applyCommand(state: ControllerState, command: ControllerCommand, index: number, placement: Placement, canaries: ControllerCanaries = {}): ApplyOutcome {
  try {
    const rejection = validateCommand(state, command);
    if (rejection !== null) {
      // Around bootstrap the log may hold a second bootstrap or commands before it: routine.
      if (rejection.code === 'AlreadyBootstrapped' || rejection.code === 'NotBootstrapped') return reject(state, index, rejection.code, rejection.message);
      // The proposer checked this command against its own state: the committed state changed in
      // between (or an older version proposed it). Worth a line in the events log.
      return rejectRecorded(state, command, index, 'warning', rejection.code, rejection.message);
    }
    return applyValid(state, command, index, placement, canaries);
  } catch (error) {
    const detail = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, APPLY_ERROR_MESSAGE_MAX);
    return rejectRecorded(state, command, index, 'error', 'ApplyError', `apply failed with ${detail}`);
  }
}

function commandType(command: unknown): string {
  const type = typeof command === 'object' && command !== null ? (command as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type.slice(0, 64) : 'unknown';
}

/**
 * A rejection the events log records: a command refused at apply though its proposer's check
 * passed, a map placement could not make, or (severity error, code ApplyError) the last line of
 * defence, an apply that threw. Messages come from the same code on the same input, so every
 * replica records the same rejection. Nothing else changes.
 */
function rejectRecorded(state: ControllerState, command: unknown, index: number, severity: EventSeverity, code: string, message: string): ApplyOutcome {
  const fields = (typeof command === 'object' && command !== null ? command : {}) as { actor?: unknown; timeMs?: unknown };
  try {
    const event: ClusterEvent = {
      index, seq: 0, timeMs: typeof fields.timeMs === 'number' && Number.isFinite(fields.timeMs) && fields.timeMs > 0 ? fields.timeMs : 0, severity, code: 'command.rejected',
      subject: { kind: 'cluster', id: state.clusterId ?? '' }, message: `entry ${index} (${commandType(command)}) rejected, ${code}: ${message}`, actor: typeof fields.actor === 'string' ? fields.actor.slice(0, 128) : 'unknown',
    };
    const all = [...state.events, event];
    const events = all.length > EVENTS_RETAINED_MAX ? all.slice(all.length - EVENTS_RETAINED_MAX) : all;
    return { state: { ...state, events, appliedIndex: index }, result: { ok: false, code, message } };
  } catch {
    return reject(state, index, code, message);
  }
}

function applyValid(state: ControllerState, command: ControllerCommand, index: number, placement: Placement, canaries: ControllerCanaries): ApplyOutcome {
  const events: ClusterEvent[] = [];
  const emit = (severity: EventSeverity, code: EventCode, subject: EventSubject, message: string): void => {
    events.push({ index, seq: events.length, timeMs: command.timeMs, severity, code, subject, message, actor: command.actor });
  };
  const withEvents = (next: ControllerState): ApplyOutcome => {
    const all = events.length === 0 ? next.events : [...next.events, ...events];
    const trimmed = all.length > EVENTS_RETAINED_MAX ? all.slice(all.length - EVENTS_RETAINED_MAX) : all;
    return { state: { ...next, events: trimmed, appliedIndex: index }, result: { ok: true } };
  };

  switch (command.type) {
    case 'bootstrap': {
      // validateCommand checked the fields; an old entry has neither autoRebalance nor a version.
      const settings = withSettingDefaults(command.settings);
      const placementVersion = command.placementVersion ?? 1;
      const nodeStates: Record<string, 'up'> = {};
      for (const node of command.topology.nodes) nodeStates[node.id] = 'up';
      let next: ControllerState = { ...state, clusterId: command.clusterId, name: command.name, topology: command.topology, nodeStates, settings, placementVersion: placementVersion as PlacementVersion };
      emit('info', 'cluster.bootstrapped', { kind: 'cluster', id: command.clusterId }, `cluster ${command.name} bootstrapped with ${command.topology.nodes.length} nodes`);
      const containers: Record<string, ContainerRecord> = {};
      for (const c of command.containers) {
        const container = buildContainer(placement, next, c.name, c.sliceCount, c.seedHex, command.timeMs);
        if (typeof container === 'string') return rejectRecorded(state, command, index, 'warning', 'PlacementFailed', `containers: ${c.name}: ${container}`);
        containers[c.name] = container;
        emit('info', 'container.created', { kind: 'container', id: c.name }, `container ${c.name} created with ${c.sliceCount} slices`);
      }
      next = { ...next, containers };
      return withEvents(next);
    }
    case 'container.create': {
      const container = buildContainer(placement, state, command.name, command.sliceCount, command.seedHex, command.timeMs);
      if (typeof container === 'string') return rejectRecorded(state, command, index, 'warning', 'PlacementFailed', container);
      emit('info', 'container.created', { kind: 'container', id: command.name }, `container ${command.name} created with ${command.sliceCount} slices`);
      return withEvents({ ...state, containers: { ...state.containers, [command.name]: container } });
    }
    case 'container.delete': {
      const containers = Object.fromEntries(Object.entries(state.containers).filter(([name]) => name !== command.name));
      emit('warning', 'container.deleted', { kind: 'container', id: command.name }, `container ${command.name} deleted`);
      return withEvents({ ...state, containers });
    }
    case 'settings.set': {
      const settings: ClusterSettings = { ...state.settings, ...command.changes };
      const problem = validateSettings(settings);
      if (problem !== null) return reject(state, index, 'InvalidSettings', problem);
      for (const key of Object.keys(command.changes) as Array<keyof ClusterSettings>) {
        if (state.settings[key] !== settings[key]) emit('info', 'settings.changed', { kind: 'settings', id: key }, `${key} changed from ${String(state.settings[key])} to ${String(settings[key])}`);
      }
      return withEvents({ ...state, settings });
    }
    case 'node.down':
    case 'node.up':
    case 'node.offline':
    case 'node.online': {
      const current = state.nodeStates[command.nodeId];
      if (current === undefined) return reject(state, index, 'NotFound', `nodeId: no node ${command.nodeId}`);
      const target = NODE_TARGET[command.type];
      if (command.type === 'node.online' && current !== 'offline') return reject(state, index, 'Conflict', `nodeId: node ${command.nodeId} is ${current}, not offline`);
      if (current === target) return withEvents(state);
      if (current === 'draining' && (command.type === 'node.up' || command.type === 'node.online')) return withEvents(state);
      // A draining node that falls silent is down; heard again it drains on (node.up restores draining).
      const drainingBack = current === 'down' && command.type === 'node.up' && runningOperation(state)?.kind === 'decommission' && runningOperation(state)?.nodes.includes(command.nodeId) === true;
      // An operator's offline outranks the failure detector: silence or heartbeats do not move
      // an offline node; only node.online brings it back (as up).
      if (current === 'offline' && (command.type === 'node.down' || command.type === 'node.up')) return withEvents(state);
      emit(target === 'up' ? 'info' : target === 'offline' ? 'warning' : 'error', command.type, { kind: 'node', id: command.nodeId }, `node ${command.nodeId} ${target === 'offline' ? 'taken offline' : target}: ${command.reason}`);
      const nodeStates: Record<string, NodeAdminState> = { ...state.nodeStates, [command.nodeId]: drainingBack ? 'draining' : target };
      // Failover (and re-protection of slices left without a secondary) in the same entry.
      const changed: ControllerState = { ...state, nodeStates };
      return withEvents({ ...changed, containers: failoverAll(changed, emit, canaries.promoteOutOfSync === true) });
    }
    case 'slices.reconfigure': {
      const health = stateVnHealth(state);
      const placementProblem = (change: typeof command.changes[number]): string | null => {
        if (change.secondary !== '' && health.nodeOf(change.primary) === health.nodeOf(change.secondary)) return `secondary: ${change.secondary} is on the primary's node`;
        if (change.learner !== undefined && !health.eligible(change.learner)) return `learner: ${change.learner} cannot take a role now`;
        return null;
      };
      const containers: Record<string, ContainerRecord> = { ...state.containers };
      const problems: string[] = [];
      const applied = new Map<string, number>();
      for (const change of command.changes) {
        // Own keys only: a change naming "toString" finds no container.
        const container = Object.prototype.hasOwnProperty.call(containers, change.container) ? containers[change.container] : undefined;
        const problem = checkSliceChange(container, change) ?? placementProblem(change);
        if (problem !== null || container === undefined) {
          problems.push(problem ?? 'container: missing');
          continue;
        }
        const slices = container.slices.slice();
        const current = slices[change.slice];
        if (current === undefined) continue;
        slices[change.slice] = appliedSliceChange(current, change);
        containers[change.container] = { ...container, slices, mapEpoch: container.mapEpoch + 1 };
        applied.set(change.reason, (applied.get(change.reason) ?? 0) + 1);
      }
      if (problems.length > 0 && applied.size === 0) return reject(state, index, 'Conflict', problems.join('; '));
      for (const [reason, count] of applied) {
        // Migration steps are many and routine: the operation's own events tell that story.
        if (reason.startsWith('migration')) continue;
        emit('info', 'slice.reconfigured', { kind: 'slice', id: command.changes.find((c) => c.reason === reason)?.container ?? '' }, `${count} slice${count === 1 ? '' : 's'} reconfigured: ${reason}`);
      }
      const outcome = withEvents({ ...state, containers });
      return problems.length === 0 ? outcome : { ...outcome, result: { ok: false, code: 'PartlyApplied', message: problems.join('; ') } };
    }
    case 'scale-out.start':
    case 'decommission.start':
    case 'rebalance.start':
    case 'operation.cancel':
    case 'operation.finish':
    case 'drive.fail':
    case 'drive.replace': {
      const ctx: OperationApplyContext = { index, placement, emit };
      const outcome = applyLongRunning(state, command, ctx, canaries.promoteOutOfSync === true);
      if (!outcome.ok) return reject(state, index, outcome.code, outcome.message);
      return withEvents(outcome.state);
    }
    case 'cluster.offline': {
      if (state.availability === 'offline') return withEvents(state);
      emit('critical', 'cluster.offline', { kind: 'cluster', id: state.clusterId ?? '' }, `cluster offline: ${command.reason}`);
      return withEvents({ ...state, availability: 'offline', offlineReason: command.reason, offlineSinceIndex: index });
    }
    case 'cluster.online': {
      if (state.availability === 'online') return withEvents(state);
      emit('info', 'cluster.online', { kind: 'cluster', id: state.clusterId ?? '' }, `cluster online: ${command.reason}`);
      return withEvents({ ...state, availability: 'online', offlineReason: null, offlineSinceIndex: null });
    }
    case 'cluster.auto-online.failed': {
      emit('warning', 'cluster.auto-online.failed', { kind: 'cluster', id: state.clusterId ?? '' }, `auto-online attempt failed: ${command.reason}`);
      return withEvents(state);
    }
    default:
      return unreachable(command, 'controller command');
  }
}

/** Primary and secondary role counts per VN of one container, for balance views. */
export function roleCounts(container: ContainerRecord): Map<string, { primaries: number; secondaries: number }> {
  const counts = new Map<string, { primaries: number; secondaries: number }>();
  const bump = (vn: string, role: 'primaries' | 'secondaries'): void => {
    const entry = counts.get(vn) ?? { primaries: 0, secondaries: 0 };
    entry[role]++;
    counts.set(vn, entry);
  };
  for (const s of container.slices) {
    bump(s.primary, 'primaries');
    bump(s.secondary, 'secondaries');
  }
  return counts;
}
