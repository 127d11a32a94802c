// Failover drill scenarios: what each one breaks, what it targets and its parameters, checked
// with errors that name the field and the limit. The same parameters drive a rehearsal (the
// simulator) and a live drill (the running cluster).

export const SCENARIO_IDS = ['node-kill', 'leader-kill', 'drive-fail', 'partition', 'pause', 'double-failure', 'fail-during-scale-out', 'offline-auto-online'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export type DrillMode = 'rehearsal' | 'live';

export interface ScenarioInfo {
  readonly id: ScenarioId;
  readonly title: string;
  readonly description: string;
  /** What `target` names: a node id, a drive id, or nothing. */
  readonly targetKind: 'node' | 'drive' | 'none';
  readonly defaultDurationMs: number;
  /** Nodes the cluster needs for the scenario to make sense. */
  readonly minNodes: number;
}

export const SCENARIOS: readonly ScenarioInfo[] = [
  { id: 'node-kill', title: 'Node kill', description: 'A data node holding primaries dies at once; it restarts at the end.', targetKind: 'node', defaultDurationMs: 5_000, minNodes: 3 },
  { id: 'leader-kill', title: 'Controller leader kill', description: 'The node leading the controller dies: a new leader is elected, then fails its slices over.', targetKind: 'none', defaultDurationMs: 5_000, minNodes: 3 },
  { id: 'drive-fail', title: 'Drive failure', description: 'One drive of a node dies; its slices fail over and are re-protected; the drive is replaced at the end.', targetKind: 'drive', defaultDurationMs: 5_000, minNodes: 2 },
  { id: 'partition', title: 'Partition', description: 'A node is cut off from the controller leader and the other nodes (the network, or the in-process transport), then rejoins.', targetKind: 'node', defaultDurationMs: 5_000, minNodes: 3 },
  { id: 'pause', title: 'Process pause', description: "A node's process stalls (timers and transport), as in a long GC or VM pause, then resumes.", targetKind: 'node', defaultDurationMs: 3_000, minNodes: 3 },
  { id: 'double-failure', title: 'Double failure', description: 'A node dies; once its slices are re-protected a second node dies. Needs two nodes that can fail with the controller keeping its quorum.', targetKind: 'node', defaultDurationMs: 5_000, minNodes: 4 },
  { id: 'fail-during-scale-out', title: 'Failure during scale-out', description: 'A scale-out of one node starts and a node holding primaries dies while the slices migrate.', targetKind: 'node', defaultDurationMs: 5_000, minNodes: 3 },
  { id: 'offline-auto-online', title: 'Offline, auto-online', description: 'The cluster is taken offline; auto-online (its timeout set to the duration for the drill) brings it back.', targetKind: 'none', defaultDurationMs: 3_000, minNodes: 2 },
];

export function scenarioInfo(id: ScenarioId): ScenarioInfo {
  const info = SCENARIOS.find((s) => s.id === id);
  if (info === undefined) throw new Error(`scenario: unknown ${id}`);
  return info;
}

export interface WorkloadSpec {
  /** Clients, each running one operation at a time. */
  readonly concurrency: number;
  /** Percent of operations that are writes (puts); the rest are reads. */
  readonly writePercent: number;
  /** Distinct keys the clients use. */
  readonly keySpace: number;
  readonly valueBytes: number;
}

export interface DrillParams {
  readonly scenario: ScenarioId;
  /** Node or drive to break; null picks one (a node holding primaries that does not lead the controller). */
  readonly target: string | null;
  /** How long the fault is held (kills: at least this long, and until the slices are re-protected). */
  readonly durationMs: number;
  readonly load: WorkloadSpec;
}

export const DRILL_DURATION_MS_MIN = 1_000;
export const DRILL_DURATION_MS_MAX = 120_000;
export const DRILL_CONCURRENCY_MAX = 64;
export const DRILL_KEY_SPACE_MAX = 10_000;
export const DRILL_VALUE_BYTES_MAX = 65_536;
/** Shortest value: it carries the writer's tag, so reads can be matched to writes. */
export const DRILL_VALUE_BYTES_MIN = 16;
export const DRILL_TARGET_LENGTH_MAX = 64;

export const DEFAULT_WORKLOAD: WorkloadSpec = { concurrency: 16, writePercent: 70, keySpace: 128, valueBytes: 256 };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export interface DrillParamsInput {
  readonly scenario: string;
  readonly target?: string | null | undefined;
  readonly durationMs?: number | undefined;
  readonly load?: WorkloadInput | undefined;
}

/** Workload fields a request may leave out (or undefined): the defaults fill them. */
export type WorkloadInput = { readonly [K in keyof WorkloadSpec]?: number | undefined };

function intIn(field: string, value: number, min: number, max: number): string | null {
  return Number.isInteger(value) && value >= min && value <= max ? null : `${field}: must be an integer ${min}..${max} (found ${value})`;
}

/** Checks a drill request; the message names the field and its limit. */
export function parseDrillParams(input: DrillParamsInput): Parsed<DrillParams> {
  const scenario = SCENARIO_IDS.find((id) => id === input.scenario);
  if (scenario === undefined) return { ok: false, message: `scenario: unknown "${input.scenario}"; one of ${SCENARIO_IDS.join(', ')}` };
  const info = scenarioInfo(scenario);
  const target = input.target === undefined || input.target === null || input.target === '' ? null : input.target;
  if (target !== null) {
    if (info.targetKind === 'none') return { ok: false, message: `target: ${scenario} picks its own target; leave it empty` };
    if (target.length > DRILL_TARGET_LENGTH_MAX) return { ok: false, message: `target: at most ${DRILL_TARGET_LENGTH_MAX} characters` };
    const pattern = info.targetKind === 'node' ? /^node-\d{1,4}$/ : /^node-\d{1,4}\/drive-\d{1,4}$/;
    if (!pattern.test(target)) return { ok: false, message: `target: ${scenario} targets a ${info.targetKind} (like ${info.targetKind === 'node' ? 'node-2' : 'node-2/drive-0'}), not "${target}"` };
  }
  const durationMs = input.durationMs ?? info.defaultDurationMs;
  const given = input.load ?? {};
  const load: WorkloadSpec = {
    concurrency: given.concurrency ?? DEFAULT_WORKLOAD.concurrency,
    writePercent: given.writePercent ?? DEFAULT_WORKLOAD.writePercent,
    keySpace: given.keySpace ?? DEFAULT_WORKLOAD.keySpace,
    valueBytes: given.valueBytes ?? DEFAULT_WORKLOAD.valueBytes,
  };
  const problem = intIn('durationMs', durationMs, DRILL_DURATION_MS_MIN, DRILL_DURATION_MS_MAX)
    ?? intIn('load.concurrency', load.concurrency, 1, DRILL_CONCURRENCY_MAX)
    ?? intIn('load.writePercent', load.writePercent, 0, 100)
    ?? intIn('load.keySpace', load.keySpace, 1, DRILL_KEY_SPACE_MAX)
    ?? intIn('load.valueBytes', load.valueBytes, DRILL_VALUE_BYTES_MIN, DRILL_VALUE_BYTES_MAX);
  if (problem !== null) return { ok: false, message: problem };
  return { ok: true, value: { scenario, target, durationMs, load } };
}
