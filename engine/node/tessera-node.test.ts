import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimWorld } from '../sim/sim-world';
import { TraceHash } from '../sim/trace-hash';
import { buildTopology, type ClusterTopology } from '../topology/topology';
import { newClusterId } from './identity';
import { TesseraNode } from './tessera-node';

const topology: ClusterTopology = buildTopology({ nodeCount: 3, vnsPerNode: 4, drivesPerNode: 4, driveCapacityBytes: 1e12 });

function bootCluster(seed: number): { world: SimWorld; nodes: Map<string, TesseraNode>; clusterId: string } {
  const world = new SimWorld(seed);
  world.network.faults = { dropProbability: 0.05, duplicateProbability: 0.05, minDelayMs: 0.1, maxDelayMs: 5 };
  const clusterId = newClusterId(world.random);
  const nodes = new Map<string, TesseraNode>();
  for (const spec of topology.nodes) {
    world.addNode(spec.id);
    const node = new TesseraNode(world.start(spec.id));
    node.start({ clusterId, topology }, (error) => assert.equal(error, null));
    nodes.set(spec.id, node);
  }
  return { world, nodes, clusterId };
}

test('nodes bootstrap one cluster identity and see each other through heartbeats', () => {
  const { world, nodes, clusterId } = bootCluster(7);
  world.runFor(500);
  for (const node of nodes.values()) {
    const status = node.status();
    assert.equal(status.lifecycle, 'running');
    assert.equal(status.clusterId, clusterId);
    assert.equal(status.vnIds.length, 4);
    assert.equal(status.drives.length, 4);
    assert.deepEqual(status.peers.map((p) => p.up), [true, true]);
  }
});

test('a crashed node is suspected after the failure-detection timeout and resumes its identity on restart', () => {
  const { world, nodes, clusterId } = bootCluster(11);
  world.runFor(300);
  world.crash('node-3');
  world.runFor(1500);
  const seenBy1 = nodes.get('node-1')!.status().peers.find((p) => p.nodeId === 'node-3');
  assert.equal(seenBy1?.up, false);
  const restarted = new TesseraNode(world.start('node-3'));
  let startError: string | null | undefined;
  // No bootstrap on restart: the identity must come from the node's own durable store.
  restarted.start(undefined, (error) => { startError = error; });
  world.runFor(500);
  assert.equal(startError, null);
  assert.equal(restarted.status().clusterId, clusterId);
  assert.equal(nodes.get('node-1')!.status().peers.find((p) => p.nodeId === 'node-3')?.up, true);
});

test('a node crashed before its identity was durable refuses to start without a bootstrap', () => {
  const world = new SimWorld(3);
  world.storeFaults.fsyncMinMs = 50;
  world.storeFaults.fsyncMaxMs = 60;
  world.addNode('node-1');
  new TesseraNode(world.start('node-1')).start({ clusterId: 'c1', topology }, () => undefined);
  world.runFor(10);
  world.crash('node-1');
  const again = new TesseraNode(world.start('node-1'));
  let startError: string | null | undefined;
  again.start(undefined, (error) => { startError = error; });
  world.runFor(100);
  assert.match(startError ?? '', /no identity/);
});

test('a node refuses data that belongs to another cluster', () => {
  const { world } = bootCluster(5);
  world.runFor(100);
  world.crash('node-2');
  const impostor = new TesseraNode(world.start('node-2'));
  let startError: string | null | undefined;
  impostor.start({ clusterId: 'another-cluster', topology }, (error) => { startError = error; });
  world.runFor(100);
  assert.match(startError ?? '', /belongs to cluster/);
});

function runTrace(seed: number): string {
  const { world, nodes } = bootCluster(seed);
  const trace = new TraceHash();
  for (let step = 0; step < 40; step++) {
    world.runFor(50);
    if (step === 10) world.crash('node-2');
    if (step === 20) new TesseraNode(world.start('node-2')).start(undefined, () => undefined);
    for (const node of nodes.values()) trace.add(JSON.stringify(node.status()));
    trace.add(`${world.nowMs()} ${world.network.messagesDelivered}`);
  }
  return trace.hex();
}

test('the same seed gives the same trace hash; another seed a different one', () => {
  assert.equal(runTrace(42), runTrace(42));
  assert.notEqual(runTrace(42), runTrace(43));
});
