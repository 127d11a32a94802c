// Validation of controller commands: one function per command type, run twice with the same
// code. The proposer runs it on its current state before proposing (so the caller hears a clear
// refusal naming the field and the limit, and nothing enters the log), and apply runs it first
// on the committed state (so a command that slipped past, or was proposed by older code, is
// refused the same way on every replica). Commands arrive as JSON from the log: every field is
// checked for its type here, so nothing further on can throw on a hostile value.

import { allDrives, allVns, TOPOLOGY_LIMITS, type NodeSpec } from '../topology/topology';
import type { ControllerCommand } from './commands';
import { PLACEMENT_VERSIONS } from '../placement/types';
import { DEFAULT_SETTINGS, SETTING_RANGES, validateSettings, withSettingDefaults, type ClusterSettings } from './settings';
import { emptyControllerState, type ControllerState } from './state';
import { stateVnHealth } from './vn-health';

/** Containers a cluster may hold. */
export const CONTAINERS_MAX = 256;
/**
 * Slices over all containers of a cluster: 262,144 = four containers of the largest size
 * (65,536 slices), or 64 of the default 4,096. Each slice costs about 130 bytes of heap in each
 * controller replica (measured: 8.4 MB per 65,536 slices), three replicas in the embedded
 * process, and about 100 bytes in every snapshot, which is written every 1,000 entries and
 * parsed at each restart in one synchronous step: at this budget a snapshot is about 26 MB,
 * about 0.3 s to write and 0.65 s to parse per replica. Ten of the largest containers would
 * hold the event loop for seconds at every snapshot and restart.
 */
export const CLUSTER_SLICES_MAX = 262_144;
export const SLICE_COUNT_MIN = 64;
export const SLICE_COUNT_MAX = 65_536;
/** Nodes whose VNs must be able to take roles for a new map: the two copies of a slice live apart. */
export const PLACEMENT_NODES_MIN = 2;
export const CONTAINER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Ids in commands (cluster, node, VN, drive, operation). */
export const COMMAND_ID_LENGTH_MAX = 128;
/** Free text in commands: actors, reasons, cluster names. */
export const COMMAND_TEXT_LENGTH_MAX = 1_000;
/** In-sync copies a slice change may list: primary, secondary, learner. */
const SLICE_CHANGE_IN_SYNC_MAX = 3;
/**
 * Slice changes in one slices.reconfigure command (primaries' requests are batched): room for a
 * change of every slice several times over, even in a cluster created before CLUSTER_SLICES_MAX.
 */
export const SLICE_CHANGES_MAX = 4 * CLUSTER_SLICES_MAX;
/** Ids are plain tokens: no "__proto__", no spaces or control characters. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;

export interface CommandRejection {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

const refuse = (code: string, message: string): CommandRejection => ({ ok: false, code, message });
const invalid = (message: string): CommandRejection => refuse('InvalidCommand', message);

type Fields = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own keys only: "constructor" or "__proto__" are no containers, nodes or drives. */
function has(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function text(fields: Fields, field: string, maxLength = COMMAND_TEXT_LENGTH_MAX, minLength = 0): string | null {
  const value = fields[field];
  if (typeof value !== 'string') return `${field}: must be a string (found ${shown(value)})`;
  if (value.length < minLength || value.length > maxLength) return `${field}: must be ${minLength}..${maxLength} characters (found ${value.length})`;
  return null;
}

function id(fields: Fields, field: string): string | null {
  const problem = text(fields, field, COMMAND_ID_LENGTH_MAX, 1);
  if (problem !== null) return problem;
  return ID_PATTERN.test(fields[field] as string) ? null : `${field}: must be letters, digits and _ . : / - (found ${shown(fields[field])})`;
}

function integerIn(fields: Fields, field: string, min: number, max: number): string | null {
  const value = fields[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return `${field}: must be an integer in ${min}..${max} (found ${shown(value)})`;
  return null;
}

function first(...problems: Array<string | null>): CommandRejection | null {
  for (const problem of problems) if (problem !== null) return invalid(problem);
  return null;
}

/** Name, slice count and seed of a new container, then the cluster's limits; the code says which. */
function checkNewContainer(state: ControllerState | null, fields: Fields, slicesPlaced: number, containerCount: number): CommandRejection | null {
  const name = fields['name'];
  if (typeof name !== 'string' || !CONTAINER_NAME_PATTERN.test(name)) return refuse('InvalidContainer', `name: container names are 1-63 lowercase letters, digits, _ and -, starting with a letter or digit (found ${shown(name)})`);
  const sliceCount = fields['sliceCount'];
  if (typeof sliceCount !== 'number' || !Number.isInteger(sliceCount) || sliceCount < SLICE_COUNT_MIN || sliceCount > SLICE_COUNT_MAX || (sliceCount & (sliceCount - 1)) !== 0) {
    return refuse('InvalidContainer', `slices: must be a power of two in ${SLICE_COUNT_MIN}..${SLICE_COUNT_MAX} (found ${shown(sliceCount)})`);
  }
  const seedHex = fields['seedHex'];
  if (typeof seedHex !== 'string' || !/^[0-9a-f]{16}$/.test(seedHex)) return refuse('InvalidContainer', `seedHex: must be 16 lowercase hex digits (found ${shown(seedHex)})`);
  if (state === null) return null;
  if (has(state.containers, name)) return refuse('AlreadyExists', `name: container ${name} already exists`);
  if (containerCount >= CONTAINERS_MAX) return refuse('InsufficientCapacity', `name: the cluster holds ${containerCount} containers, the limit is ${CONTAINERS_MAX} (CONTAINERS_MAX)`);
  if (slicesPlaced + sliceCount > CLUSTER_SLICES_MAX) {
    return refuse('InsufficientCapacity', `slices: ${sliceCount} more slices would make ${slicesPlaced + sliceCount} in the cluster, the limit is ${CLUSTER_SLICES_MAX} (CLUSTER_SLICES_MAX); delete a container or use fewer slices`);
  }
  return checkPlaceable(state);
}

/** A new map needs VNs that may take roles on at least two nodes. */
function checkPlaceable(state: ControllerState): CommandRejection | null {
  const health = stateVnHealth(state);
  const nodes = new Set(allVns(state.topology).filter((vn) => health.eligible(vn.id)).map((vn) => vn.nodeId));
  if (nodes.size >= PLACEMENT_NODES_MIN) return null;
  return refuse('NotEnoughNodes', `nodes: a new slice map needs VNs that can take roles on at least ${PLACEMENT_NODES_MIN} nodes (up, drive in service); ${nodes.size} now`);
}

export function slicesInCluster(state: ControllerState): number {
  let total = 0;
  for (const container of Object.values(state.containers)) total += container.sliceCount;
  return total;
}

/** The shape of a node spec from outside TypeScript (a log entry); the engine's own rules follow. */
function checkNodeSpec(value: unknown, where: string): string | null {
  if (!isRecord(value)) return `${where}: must be an object`;
  const problem = id(value, 'id') ?? text(value, 'failureDomain', COMMAND_ID_LENGTH_MAX);
  if (problem !== null) return `${where}.${problem}`;
  const { drives, vns } = value;
  if (!Array.isArray(drives) || drives.length < TOPOLOGY_LIMITS.drivesPerNodeMin || drives.length > TOPOLOGY_LIMITS.drivesPerNodeMax) {
    return `${where}.drives: must be a list of ${TOPOLOGY_LIMITS.drivesPerNodeMin}..${TOPOLOGY_LIMITS.drivesPerNodeMax} drives`;
  }
  for (const drive of drives as unknown[]) {
    if (!isRecord(drive)) return `${where}.drives: each must be an object`;
    const driveProblem = id(drive, 'id') ?? (typeof drive['capacityBytes'] === 'number' && Number.isFinite(drive['capacityBytes']) && drive['capacityBytes'] > 0 ? null : 'capacityBytes: must be a positive number');
    if (driveProblem !== null) return `${where}.drives.${driveProblem}`;
  }
  if (!Array.isArray(vns) || vns.length < TOPOLOGY_LIMITS.vnsPerNodeMin || vns.length > TOPOLOGY_LIMITS.vnsPerNodeMax) {
    return `${where}.vns: must be a list of ${TOPOLOGY_LIMITS.vnsPerNodeMin}..${TOPOLOGY_LIMITS.vnsPerNodeMax} VNs`;
  }
  for (const vn of vns as unknown[]) {
    if (!isRecord(vn)) return `${where}.vns: each must be an object`;
    const vnProblem = id(vn, 'id') ?? id(vn, 'nodeId') ?? id(vn, 'driveId');
    if (vnProblem !== null) return `${where}.vns.${vnProblem}`;
    if (vn['nodeId'] !== value['id'] || !(drives as Fields[]).some((d) => d['id'] === vn['driveId'])) return `${where}.vns: ${shown(vn['id'])} must live on a drive of ${shown(value['id'])}`;
  }
  return null;
}

/** Node, VN and drive ids are unique across the whole topology. */
function checkUniqueIds(nodes: readonly NodeSpec[]): string | null {
  const seen = new Set<string>();
  for (const node of nodes) {
    for (const key of [`node ${node.id}`, ...node.vns.map((v) => `vn ${v.id}`), ...node.drives.map((d) => `drive ${d.id}`)]) {
      if (seen.has(key)) return `topology: ${key} appears twice`;
      seen.add(key);
    }
  }
  return null;
}

function checkSettingsShape(value: unknown, field: string): string | null {
  if (!isRecord(value)) return `${field}: must be an object`;
  const known = new Set<string>([...Object.keys(SETTING_RANGES), 'degradedWritePolicy', 'autoRebalance']);
  for (const key of Object.keys(value)) if (!known.has(key)) return `${field}: unknown setting ${shown(key)}`;
  return null;
}

/** `state` null: the proposer's state may be behind the log (a new leader), check the fields only. */
type Validator = (state: ControllerState | null, fields: Fields) => CommandRejection | null;

function validateBootstrap(state: ControllerState | null, fields: Fields): CommandRejection | null {
  if (state !== null && state.clusterId !== null) return refuse('AlreadyBootstrapped', `cluster ${state.clusterId} is already bootstrapped`);
  const fieldProblem = first(id(fields, 'clusterId'), text(fields, 'name', COMMAND_ID_LENGTH_MAX));
  if (fieldProblem !== null) return fieldProblem;
  const topology = fields['topology'];
  if (!isRecord(topology) || !Array.isArray(topology['nodes'])) return invalid('topology: must be an object with a list of nodes');
  const nodes = topology['nodes'] as unknown[];
  if (nodes.length < TOPOLOGY_LIMITS.nodeCountMin || nodes.length > TOPOLOGY_LIMITS.nodeCountMax) return invalid(`topology.nodes: must be ${TOPOLOGY_LIMITS.nodeCountMin}..${TOPOLOGY_LIMITS.nodeCountMax} nodes (found ${nodes.length})`);
  for (const [i, node] of nodes.entries()) {
    const problem = checkNodeSpec(node, `topology.nodes[${i}]`);
    if (problem !== null) return invalid(problem);
  }
  const unique = checkUniqueIds(nodes as NodeSpec[]);
  if (unique !== null) return invalid(unique);
  const settingsShape = checkSettingsShape(fields['settings'], 'settings');
  if (settingsShape !== null) return refuse('InvalidSettings', settingsShape);
  // An old bootstrap entry has no autoRebalance: it applies with the default.
  const settingsProblem = validateSettings(withSettingDefaults(fields['settings'] as ClusterSettings));
  if (settingsProblem !== null) return refuse('InvalidSettings', settingsProblem);
  const placementVersion = fields['placementVersion'];
  if (placementVersion !== undefined && !(PLACEMENT_VERSIONS as readonly unknown[]).includes(placementVersion)) return invalid(`placementVersion: must be one of ${PLACEMENT_VERSIONS.join(', ')} (found ${shown(placementVersion)})`);
  const containers = fields['containers'];
  if (!Array.isArray(containers) || containers.length > CONTAINERS_MAX) return invalid(`containers: must be a list of at most ${CONTAINERS_MAX}`);
  // The containers are placed over the new topology, every node up.
  let next: ControllerState = {
    ...(state ?? emptyControllerState(DEFAULT_SETTINGS)), clusterId: fields['clusterId'] as string, topology: { nodes: nodes as NodeSpec[] },
    nodeStates: Object.fromEntries((nodes as NodeSpec[]).map((n) => [n.id, 'up' as const])), drives: {}, containers: {},
  };
  let slices = 0;
  for (const [i, container] of (containers as unknown[]).entries()) {
    if (!isRecord(container)) return invalid(`containers[${i}]: must be an object`);
    const problem = checkNewContainer(next, container, slices, i);
    if (problem !== null) return problem;
    slices += container['sliceCount'] as number;
    next = { ...next, containers: { ...next.containers, [container['name'] as string]: { name: container['name'] as string, sliceCount: 0, seedHex: '', mapEpoch: 0, slices: [], createdAtMs: 0 } } };
  }
  return null;
}

function validateSliceChanges(_state: ControllerState | null, fields: Fields): CommandRejection | null {
  const changes = fields['changes'];
  if (!Array.isArray(changes) || changes.length > SLICE_CHANGES_MAX) return invalid(`changes: must be a list of at most ${SLICE_CHANGES_MAX} slice changes`);
  for (const [i, change] of (changes as unknown[]).entries()) {
    if (!isRecord(change)) return invalid(`changes[${i}]: must be an object`);
    const inSync = change['inSync'];
    const problem = id(change, 'container') ?? integerIn(change, 'slice', 0, SLICE_COUNT_MAX - 1) ?? integerIn(change, 'expectedEpoch', 0, Number.MAX_SAFE_INTEGER) ??
      id(change, 'primary') ?? (change['secondary'] === '' ? null : id(change, 'secondary')) ?? text(change, 'reason') ??
      (change['learner'] === undefined ? null : id(change, 'learner')) ??
      (Array.isArray(inSync) && inSync.length >= 1 && inSync.length <= SLICE_CHANGE_IN_SYNC_MAX && inSync.every((vn) => typeof vn === 'string' && vn.length <= COMMAND_ID_LENGTH_MAX) ? null : `inSync: must be a list of 1..${SLICE_CHANGE_IN_SYNC_MAX} VN ids`);
    if (problem !== null) return invalid(`changes[${i}].${problem}`);
  }
  return null;
}

function validateScaleOut(state: ControllerState | null, fields: Fields): CommandRejection | null {
  const nodes = fields['nodes'];
  if (!Array.isArray(nodes) || nodes.length === 0 || nodes.length > TOPOLOGY_LIMITS.nodeCountMax) return invalid(`nodes: must be a list of 1..${TOPOLOGY_LIMITS.nodeCountMax} nodes`);
  for (const [i, node] of (nodes as unknown[]).entries()) {
    const problem = checkNodeSpec(node, `nodes[${i}]`);
    if (problem !== null) return invalid(problem);
  }
  const unique = checkUniqueIds([...(state?.topology.nodes ?? []), ...(nodes as NodeSpec[])]);
  return unique === null ? null : invalid(unique.replace('topology:', 'nodes:'));
}

const withNode: Validator = (state, fields) => {
  const problem = first(id(fields, 'nodeId'), text(fields, 'reason'));
  if (problem !== null) return problem;
  return state === null || has(state.nodeStates, fields['nodeId'] as string) ? null : refuse('NotFound', `nodeId: no node ${shown(fields['nodeId'])}`);
};

const withReason: Validator = (_state, fields) => first(text(fields, 'reason'));

const VALIDATORS: Readonly<Record<ControllerCommand['type'], Validator>> = {
  'bootstrap': validateBootstrap,
  'container.create': (state, fields) => checkNewContainer(state, fields, state === null ? 0 : slicesInCluster(state), state === null ? 0 : Object.keys(state.containers).length),
  'container.delete': (state, fields) => {
    const name = fields['name'];
    if (typeof name !== 'string' || name.length > COMMAND_ID_LENGTH_MAX) return invalid(`name: must be a container name (found ${shown(name)})`);
    return state === null || has(state.containers, name) ? null : refuse('NotFound', `name: no container ${shown(name)}`);
  },
  'settings.set': (_state, fields) => {
    const problem = checkSettingsShape(fields['changes'], 'changes');
    return problem === null ? null : refuse('InvalidSettings', problem);
  },
  'node.down': withNode,
  'node.up': withNode,
  'node.offline': withNode,
  'node.online': withNode,
  'cluster.offline': withReason,
  'cluster.online': withReason,
  'cluster.auto-online.failed': withReason,
  'slices.reconfigure': validateSliceChanges,
  'scale-out.start': validateScaleOut,
  'decommission.start': (state, fields) => {
    const problem = first(id(fields, 'nodeId'));
    if (problem !== null) return problem;
    return state === null || has(state.nodeStates, fields['nodeId'] as string) ? null : refuse('NotFound', `nodeId: no node ${shown(fields['nodeId'])}`);
  },
  'rebalance.start': withReason,
  'operation.cancel': (_state, fields) => first(id(fields, 'operationId'), text(fields, 'reason')),
  'operation.finish': (_state, fields) => first(id(fields, 'operationId'), text(fields, 'reason')),
  'drive.fail': (state, fields) => {
    const problem = first(id(fields, 'driveId'), text(fields, 'reason'));
    if (problem !== null) return problem;
    return state === null || allDrives(state.topology).some((d) => d.id === fields['driveId']) ? null : refuse('NotFound', `driveId: no drive ${shown(fields['driveId'])}`);
  },
  'drive.replace': (state, fields) => VALIDATORS['drive.fail'](state, fields),
};

/**
 * Null when `command` may be applied to `state`, else the refusal (code and a message naming the
 * field and the limit). Pure and total: the same answer on every replica, whatever the input.
 * With `state` null only the command's own fields are checked (a proposer whose state may still
 * be behind the log: the apply checks the rest).
 */
export function validateCommand(state: ControllerState | null, command: unknown): CommandRejection | null {
  if (!isRecord(command)) return invalid('command: must be an object');
  const type = command['type'];
  if (typeof type !== 'string' || !has(VALIDATORS, type)) return invalid(`type: unknown command type ${shown(type)}`);
  const common = first(text(command, 'actor', COMMAND_ID_LENGTH_MAX, 1),
    // -0 would become 0 in a snapshot: a restored replica would differ from a running one.
    typeof command['timeMs'] === 'number' && Number.isFinite(command['timeMs']) && command['timeMs'] >= 0 && !Object.is(command['timeMs'], -0) ? null : `timeMs: must be a finite number >= 0 (found ${shown(command['timeMs'])})`);
  if (common !== null) return common;
  if (type !== 'bootstrap' && state !== null && state.clusterId === null) return refuse('NotBootstrapped', 'the cluster is not bootstrapped yet');
  return VALIDATORS[type as ControllerCommand['type']](state, command);
}
