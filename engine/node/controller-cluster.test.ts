// The control plane end to end in simulation: TesseraNodes with their controller replicas on Raft,
// over the faulty simulated network and crash-losing drives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../sim/sim-world';
import { buildTopology, type ClusterTopology } from '../topology/topology';
import type { CommandResult, ControllerCommand } from '../controller/commands';
import { DEFAULT_SETTINGS } from '../controller/settings';
import { TesseraNode } from './tessera-node';
import { defaultControllerWiring } from './controller-wiring';

const topology: ClusterTopology = buildTopology({ nodeCount: 3, vnsPerNode: 4, drivesPerNode: 4, driveCapacityBytes: 1e12 });
const CLUSTER_ID = 'ab'.repeat(16);
const TIMING = { heartbeatIntervalMs: 100, failureDetectionTimeoutMs: 1000 };

interface SimCluster {
  world: SimWorld;
  nodes: Map<string, TesseraNode>;
}

function boot(seed: number, lossy = true): SimCluster {
  const world = new SimWorld(seed);
  if (lossy) world.network.faults = { dropProbability: 0.02, duplicateProbability: 0.02, minDelayMs: 0.1, maxDelayMs: 3 };
  const nodes = new Map<string, TesseraNode>();
  for (const spec of topology.nodes) {
    world.addNode(spec.id);
    nodes.set(spec.id, startNode(world, spec.id));
  }
  return { world, nodes };
}

function startNode(world: SimWorld, nodeId: string): TesseraNode {
  const node = new TesseraNode(world.start(nodeId), TIMING, defaultControllerWiring(TIMING.heartbeatIntervalMs));
  node.start({ clusterId: CLUSTER_ID, topology }, (error) => assert.equal(error, null));
  return node;
}

function leader(cluster: SimCluster): TesseraNode | undefined {
  return [...cluster.nodes.entries()].find(([id, n]) => cluster.world.nodes.get(id)?.up === true && n.getController()?.isLeader() === true)?.[1];
}

function proposeAndWait(cluster: SimCluster, command: ControllerCommand, limitMs = 5_000): CommandResult {
  let result: CommandResult | undefined;
  let inFlight = false;
  let proposedTo: TesseraNode | undefined;
  const ok = cluster.world.runUntil(() => {
    if (result !== undefined) return true;
    const l = leader(cluster);
    // A proposal to a node that crashed never answers: start over with the new leader.
    if (l !== proposedTo) inFlight = false;
    // One proposal at a time; propose again only when it was refused or timed out.
    if (l !== undefined && !inFlight) {
      inFlight = true;
      proposedTo = l;
      l.propose(command, (r) => {
        inFlight = false;
        if (r.ok || (r.code !== 'NotLeader' && r.code !== 'Timeout' && r.code !== 'Stopped')) result = r;
      });
    }
    return false;
  }, limitMs, 20);
  assert.ok(ok, `command ${command.type} not applied within ${limitMs} ms`);
  return result!;
}

const bootstrapCommand: ControllerCommand = {
  type: 'bootstrap', actor: 'system', timeMs: 0, clusterId: CLUSTER_ID, name: 'sim', topology, settings: { ...DEFAULT_SETTINGS, autoOnlineTimeoutSeconds: 5 },
  containers: [{ name: 'default', sliceCount: 4096, seedHex: '0011223344556677' }],
};

test('the controller elects a leader, bootstraps once, and every replica applies the same state', () => {
  const cluster = boot(1);
  assert.ok(cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10), 'a leader is elected');
  assert.deepEqual(proposeAndWait(cluster, bootstrapCommand), { ok: true });
  cluster.world.runFor(2_000);
  const states = [...cluster.nodes.values()].map((n) => n.controllerState()!);
  for (const state of states) {
    assert.equal(state.clusterId, CLUSTER_ID);
    assert.equal(state.containers['default']?.slices.length, 4096);
  }
  assert.equal(JSON.stringify(states[0]!.containers), JSON.stringify(states[1]!.containers));
  assert.equal(proposeAndWait(cluster, bootstrapCommand).ok, false);
});

test('a crashed node is declared down by the leader and up again after restart, each an event', () => {
  const cluster = boot(2);
  cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10);
  proposeAndWait(cluster, bootstrapCommand);
  const victim = [...cluster.nodes.keys()].find((id) => cluster.nodes.get(id) !== leader(cluster))!;
  cluster.world.crash(victim);
  assert.ok(cluster.world.runUntil(() => leader(cluster)?.controllerState()?.nodeStates[victim] === 'down', 10_000, 50), `${victim} declared down`);
  cluster.nodes.set(victim, startNode(cluster.world, victim));
  assert.ok(cluster.world.runUntil(() => leader(cluster)?.controllerState()?.nodeStates[victim] === 'up', 10_000, 50), `${victim} declared up`);
  const codes = leader(cluster)!.controllerState()!.events.map((e) => `${e.code} ${e.subject.id}`);
  assert.ok(codes.includes(`node.down ${victim}`) && codes.includes(`node.up ${victim}`), codes.join(', '));
});

test('the controller survives the loss of its leader: a new leader is elected and commits', () => {
  const cluster = boot(3);
  cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10);
  proposeAndWait(cluster, bootstrapCommand);
  const oldLeaderId = [...cluster.nodes.entries()].find(([, n]) => n === leader(cluster))![0];
  cluster.world.crash(oldLeaderId);
  assert.ok(cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10), 'a new leader is elected');
  assert.deepEqual(proposeAndWait(cluster, { type: 'settings.set', actor: 'op', timeMs: 0, changes: { autoOnlineTimeoutSeconds: 7 } }), { ok: true });
  assert.equal(leader(cluster)!.controllerState()!.settings.autoOnlineTimeoutSeconds, 7);
  // The old leader restarts from its durable Raft log and catches up.
  const restarted = startNode(cluster.world, oldLeaderId);
  cluster.nodes.set(oldLeaderId, restarted);
  assert.ok(cluster.world.runUntil(() => restarted.controllerState()?.settings.autoOnlineTimeoutSeconds === 7, 10_000, 50), 'restarted node catches up');
});

test('auto-online: taken offline, the cluster comes back online by itself after the timeout, staying degraded', () => {
  const cluster = boot(4, false);
  cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10);
  proposeAndWait(cluster, bootstrapCommand);
  const victim = [...cluster.nodes.keys()].find((id) => cluster.nodes.get(id) !== leader(cluster))!;
  cluster.world.crash(victim);
  cluster.world.runUntil(() => leader(cluster)?.controllerState()?.nodeStates[victim] === 'down', 10_000, 50);
  assert.deepEqual(proposeAndWait(cluster, { type: 'cluster.offline', actor: 'operator', timeMs: 0, reason: 'maintenance' }), { ok: true });
  cluster.world.runFor(3_000);
  assert.equal(leader(cluster)!.controllerState()!.availability, 'offline');
  assert.ok(cluster.world.runUntil(() => leader(cluster)?.controllerState()?.availability === 'online', 10_000, 100), 'back online');
  const state = leader(cluster)!.controllerState()!;
  assert.equal(state.nodeStates[victim], 'down', 'degraded is not changed by going online');
  assert.match(state.events.filter((e) => e.code === 'cluster.online').pop()?.message ?? '', /auto-online after 5 s/);
});

test('the same seed gives the same controller history', () => {
  const history = (seed: number): string => {
    const cluster = boot(seed);
    cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10);
    proposeAndWait(cluster, bootstrapCommand);
    cluster.world.runFor(1_000);
    return JSON.stringify([...cluster.nodes.values()].map((n) => [n.controllerState()?.appliedIndex, n.getController()?.raftStatus().term]));
  };
  assert.equal(history(9), history(9));
});

test('a committed heartbeat setting is adopted by every node, followers included', () => {
  const cluster = boot(5, false);
  cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10);
  proposeAndWait(cluster, bootstrapCommand);
  assert.deepEqual(proposeAndWait(cluster, { type: 'settings.set', actor: 'op', timeMs: 0, changes: { heartbeatIntervalMs: 250, failureDetectionTimeoutMs: 2000 } }), { ok: true });
  cluster.world.runFor(1_000);
  for (const node of cluster.nodes.values()) {
    const peers = node.status().peers;
    // With 250 ms heartbeats every peer was heard within the new 2 s timeout.
    assert.ok(peers.every((p) => p.up), JSON.stringify(peers));
    assert.equal(node.controllerState()?.settings.heartbeatIntervalMs, 250);
  }
  // Every node, followers included, now runs with the committed timing.
  for (const node of cluster.nodes.values()) assert.deepEqual(node.status().timing, { heartbeatIntervalMs: 250, failureDetectionTimeoutMs: 2000 });
});

test('a leader whose disk fails stops leading at once: the cluster elects another and commits', () => {
  const cluster = boot(6, false);
  cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10);
  proposeAndWait(cluster, bootstrapCommand);
  const failing = leader(cluster)!;
  const failingId = [...cluster.nodes.entries()].find(([, n]) => n === failing)![0];
  const store = cluster.world.nodes.get(failingId)!.systemStore;
  store.faults = { ...store.faults, fsyncErrorProbability: 1 };
  let answer: CommandResult | undefined;
  failing.propose({ type: 'settings.set', actor: 'op', timeMs: 0, changes: { autoOnlineTimeoutSeconds: 8 } }, (r) => { answer = r; });
  cluster.world.runFor(50);
  // Its Raft state is frozen as leader, but a stopped replica must not claim to lead.
  assert.equal(failing.getController()?.raftStatus().role, 'leader');
  assert.equal(failing.getController()?.isLeader(), false);
  assert.equal(answer?.ok, false);
  assert.ok(cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10), 'another leader is elected');
  assert.notEqual(leader(cluster), failing);
  assert.deepEqual(proposeAndWait(cluster, { type: 'settings.set', actor: 'op', timeMs: 0, changes: { autoOnlineTimeoutSeconds: 9 } }), { ok: true });
});

test('a node whose Raft hard state is unreadable fail-stops at start with a clear error, never starts fresh', () => {
  const cluster = boot(7, false);
  cluster.world.runUntil(() => leader(cluster) !== undefined, 10_000, 10);
  proposeAndWait(cluster, bootstrapCommand);
  cluster.world.crash('node-2');
  // Both slots rotten: no crash on a sound disk leaves this.
  const store = cluster.world.nodes.get('node-2')!.systemStore;
  for (const slot of ['raft/hs/0', 'raft/hs/1']) assert.equal(store.flipBit((key) => key === slot), slot);
  const node = new TesseraNode(cluster.world.start('node-2'), TIMING, defaultControllerWiring(TIMING.heartbeatIntervalMs));
  let startError: string | null | undefined;
  node.start(undefined, (error) => { startError = error; });
  cluster.world.runFor(500);
  assert.match(startError ?? '', /controller state unreadable.*every slot is damaged/);
  assert.equal(node.status().lifecycle, 'failed');
  assert.equal(node.getController(), undefined);
});
