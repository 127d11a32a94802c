// Before a drill starts: is the cluster healthy enough to be broken on purpose, and what exactly
// will break (the target node or drive, the second victim of a double failure). Refusals say why.

import { runningOperation, type ControllerState } from '../controller/state';
import { controllerVoters } from '../node/tessera-node';
import { scenarioInfo, type DrillParams, type Parsed } from './scenarios';

export interface DrillPlan {
  /** Nodes or drives the drill breaks, in order. */
  readonly targets: readonly string[];
  readonly container: string;
}

/** Why the cluster is not ready for a drill, or null. */
export function clusterHealthProblem(state: ControllerState | undefined): string | null {
  if (state?.clusterId === null || state === undefined) return 'the controller has no committed state yet';
  if (state.availability !== 'online') return `the cluster is ${state.availability}`;
  const notUp = state.topology.nodes.filter((n) => state.nodeStates[n.id] !== 'up').map((n) => `${n.id} is ${state.nodeStates[n.id] ?? 'unknown'}`);
  if (notUp.length > 0) return notUp.join(', ');
  const under = Object.values(state.containers).reduce((sum, c) => sum + c.slices.filter((s) => s.inSync.length < 2).length, 0);
  if (under > 0) return `${under} slices have fewer than two in-sync copies`;
  const failed = Object.entries(state.drives).filter(([, d]) => d.state !== 'ok').map(([id]) => id);
  if (failed.length > 0) return `drives not ok: ${failed.join(', ')}`;
  const op = runningOperation(state);
  if (op !== undefined) return `operation ${op.id} (${op.kind}) is running`;
  return null;
}

/** The container a drill writes to: `default` when there is one, else the first. */
export function drillContainer(state: ControllerState): string | undefined {
  return state.containers['default'] !== undefined ? 'default' : Object.keys(state.containers).sort()[0];
}

/** Primaries per node in the drill's container. */
function primariesByNode(state: ControllerState, container: string): Map<string, number> {
  const nodeOfVn = new Map(state.topology.nodes.flatMap((n) => n.vns.map((v) => [v.id, n.id] as const)));
  const counts = new Map(state.topology.nodes.map((n) => [n.id, 0]));
  for (const slice of state.containers[container]?.slices ?? []) {
    const node = nodeOfVn.get(slice.primary);
    if (node !== undefined) counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  return counts;
}

/** Nodes holding primaries, not the leader first, most primaries first. */
function candidates(state: ControllerState, container: string, leader: string | undefined): string[] {
  const primaries = primariesByNode(state, container);
  return state.topology.nodes.map((n) => n.id).filter((id) => (primaries.get(id) ?? 0) > 0)
    .sort((a, b) => Number(a === leader) - Number(b === leader) || (primaries.get(b) ?? 0) - (primaries.get(a) ?? 0) || a.localeCompare(b));
}

export function planDrill(params: DrillParams, state: ControllerState | undefined, leader: string | undefined): Parsed<DrillPlan> {
  const health = clusterHealthProblem(state);
  if (health !== null || state === undefined) return { ok: false, message: `cluster not healthy: ${health ?? 'no state'}; a drill starts only from a healthy cluster` };
  const container = drillContainer(state);
  if (container === undefined) return { ok: false, message: 'cluster: no container to write to' };
  const info = scenarioInfo(params.scenario);
  const nodes = state.topology.nodes.map((n) => n.id);
  if (nodes.length < info.minNodes) return { ok: false, message: `scenario: ${params.scenario} needs at least ${info.minNodes} nodes; this cluster has ${nodes.length}` };
  const target = params.target;
  if (target !== null && info.targetKind === 'node' && !nodes.includes(target)) return { ok: false, message: `target: no node ${target} (nodes: ${nodes.join(', ')})` };
  const ranked = candidates(state, container, leader);
  switch (params.scenario) {
    case 'leader-kill':
      if (leader === undefined) return { ok: false, message: 'cluster not healthy: no controller leader' };
      return { ok: true, value: { targets: [leader], container } };
    case 'node-kill':
    case 'partition':
    case 'pause':
    case 'fail-during-scale-out': {
      const chosen = target ?? ranked[0];
      if (chosen === undefined) return { ok: false, message: 'target: no node holds primaries' };
      return { ok: true, value: { targets: [chosen], container } };
    }
    case 'drive-fail': {
      if (target !== null) {
        const exists = state.topology.nodes.some((n) => n.drives.some((d) => d.id === target));
        if (!exists) return { ok: false, message: `target: no drive ${target}` };
        return { ok: true, value: { targets: [target], container } };
      }
      const node = state.topology.nodes.find((n) => n.id === ranked[0]);
      const vnDrive = new Map(node?.vns.map((v) => [v.id, v.driveId] as const) ?? []);
      const perDrive = new Map<string, number>();
      for (const slice of state.containers[container]?.slices ?? []) {
        const drive = vnDrive.get(slice.primary);
        if (drive !== undefined) perDrive.set(drive, (perDrive.get(drive) ?? 0) + 1);
      }
      const best = [...perDrive.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
      if (best === undefined) return { ok: false, message: 'target: no drive holds primaries' };
      return { ok: true, value: { targets: [best], container } };
    }
    case 'double-failure': {
      // Two nodes die; the controller must keep its quorum, so at most (voters - 1) / 2 of them vote.
      const voters = new Set(controllerVoters(nodes));
      const spareVotes = Math.floor((voters.size - 1) / 2);
      const first = target ?? ranked.find((id) => id !== leader);
      if (first === undefined) return { ok: false, message: 'target: no node holds primaries' };
      const votesLeft = spareVotes - (voters.has(first) ? 1 : 0);
      if (votesLeft < 0) return { ok: false, message: `target: ${first} votes and the controller cannot spare a vote` };
      const second = [...ranked, ...nodes].find((id) => id !== first && id !== leader && (!voters.has(id) || votesLeft > 0));
      if (second === undefined) return { ok: false, message: `scenario: double-failure needs two nodes that can fail while the controller keeps its quorum (${voters.size} voters of ${nodes.length} nodes); scale out first` };
      return { ok: true, value: { targets: [first, second], container } };
    }
    case 'offline-auto-online':
      return { ok: true, value: { targets: [], container } };
  }
}
