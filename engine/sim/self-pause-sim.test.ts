// Simulation tests of the failure detector against pauses of the judge itself: a stalled
// controller leader (or a whole process, every node at once) must not declare its peers down
// for its own sleep; a peer that really crashed is still declared down within the timeout once
// the leader runs again; and a paused primary never serves a read after its lease ran out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CLIENT_OPTIONS, type TesseraClient } from '../client/tessera-client';
import { DATA_REQUEST, DATA_RESPONSE, type DataResult } from '../dataplane/messages';
import { sliceHasher } from '../hash/slice-of';
import { DataClusterSim } from './data-cluster-sim';

const TIMEOUT_MS = 1_000;
/** A detection may take one heartbeat interval and a commit beyond the timeout. */
const DETECTION_MARGIN_MS = 400;
const PAUSES_MS = [1_000, 3_000, 5_000];
const PATIENT_CLIENT = { ...DEFAULT_CLIENT_OPTIONS, deadlineMs: 60_000 };

function cluster(seed: number): DataClusterSim {
  const sim = new DataClusterSim(seed, { nodeCount: 3, vnsPerNode: 2, sliceCount: 64 });
  sim.bootstrap();
  sim.world.runFor(2_000);
  return sim;
}

function leaderId(sim: DataClusterSim): string {
  const leader = sim.leader();
  assert.ok(leader !== undefined, 'a controller leader');
  return leader.status().nodeId;
}

function downEvents(sim: DataClusterSim): string[] {
  return (sim.state()?.events ?? []).filter((e) => e.code === 'node.down').map((e) => `${e.subject.id}: ${e.message}`);
}

/** Writes keys k0..k7 in turn, one at a time, until stopped; records the last value acked per key. */
function writeLoad(client: TesseraClient): { stop: () => void; acked: Map<string, string>; failures: string[]; inFlight: () => boolean } {
  const acked = new Map<string, string>();
  const failures: string[] = [];
  let stopped = false;
  let busy = false;
  let n = 0;
  const next = (): void => {
    if (stopped) return;
    const key = `k${n % 8}`;
    const value = `v${n}`;
    n++;
    busy = true;
    client.put('default', key, new TextEncoder().encode(value), {}, (result) => {
      busy = false;
      if (result.ok) acked.set(key, value);
      else failures.push(`${key}=${value}: ${result.code} ${result.message}`);
      next();
    });
  };
  next();
  return { stop: () => { stopped = true; }, acked, failures, inFlight: () => busy };
}

function pauseFor(sim: DataClusterSim, nodeIds: readonly string[], pausedMs: number): void {
  for (const id of nodeIds) sim.world.pause(id, true);
  sim.world.runFor(pausedMs);
  for (const id of nodeIds) sim.world.pause(id, false);
}

for (const scope of ['leader', 'all'] as const) {
  for (const pausedMs of PAUSES_MS) {
    test(`a pause of ${scope === 'leader' ? 'the leader node' : 'every node at once'} for ${pausedMs} ms declares no live node down`, () => {
      const sim = cluster(100 + pausedMs / 1_000 + (scope === 'all' ? 10 : 0));
      const client = sim.client('writer', PATIENT_CLIENT);
      const load = writeLoad(client);
      sim.world.runFor(500);
      const leader = leaderId(sim);
      pauseFor(sim, scope === 'leader' ? [leader] : sim.ids, pausedMs);
      sim.world.runFor(3_000);
      load.stop();
      assert.ok(sim.world.runUntil(() => !load.inFlight(), 10_000, 5));
      // Alone, a leader paused past an election is rightly found silent by the new leader; it
      // must not have convicted anyone else for its own sleep.
      const wronglyDown = downEvents(sim).filter((e) => scope === 'all' || pausedMs < 2_000 || !e.startsWith(`${leader}:`));
      assert.deepEqual(wronglyDown, []);
      assert.deepEqual(load.failures, []);
      const state = sim.state();
      assert.equal(state?.availability, 'online');
      if (scope === 'all' || pausedMs < 2_000) assert.deepEqual(sim.copies(), { two: 64, one: 0, none: 0 }, 'no copy dropped from an in-sync set');
      assert.ok(load.acked.size > 0);
      const reader = sim.client('reader', PATIENT_CLIENT);
      for (const [key, value] of load.acked) {
        const read = sim.get(reader, key);
        assert.ok(read.ok, `read ${key}: ${JSON.stringify(read)}`);
        assert.equal(read.value, value, `${key} reads back its last acknowledged value`);
      }
    });
  }
}

for (const pausedMs of PAUSES_MS) {
  test(`a peer that crashed while every node was paused for ${pausedMs} ms is declared down within the timeout after the resume`, () => {
    const sim = cluster(200 + pausedMs / 1_000);
    const leader = leaderId(sim);
    const victim = sim.ids.find((id) => id !== leader) ?? '';
    for (const id of sim.ids) sim.world.pause(id, true);
    sim.world.runFor(pausedMs / 2);
    sim.crash(victim);
    sim.world.runFor(pausedMs / 2);
    for (const id of sim.ids) if (id !== victim) sim.world.pause(id, false);
    const resumedAtMs = sim.world.nowMs();
    assert.ok(sim.world.runUntil(() => sim.state()?.nodeStates[victim] === 'down', 5_000, 5), 'the crashed peer is declared down');
    const detectedAfterMs = sim.world.nowMs() - resumedAtMs;
    assert.ok(detectedAfterMs <= TIMEOUT_MS + DETECTION_MARGIN_MS, `declared down ${detectedAfterMs} ms after the resume`);
    assert.deepEqual(downEvents(sim).map((e) => e.split(':')[0]), [victim]);
  });
}

test('a peer that crashed while the leader ran is declared down within the timeout', () => {
  const sim = cluster(300);
  const leader = leaderId(sim);
  const victim = sim.ids.find((id) => id !== leader) ?? '';
  sim.crash(victim);
  const crashedAtMs = sim.world.nowMs();
  assert.ok(sim.world.runUntil(() => sim.state()?.nodeStates[victim] === 'down', 5_000, 5));
  const detectedAfterMs = sim.world.nowMs() - crashedAtMs;
  assert.ok(detectedAfterMs >= TIMEOUT_MS, `not before the timeout (${detectedAfterMs} ms)`);
  assert.ok(detectedAfterMs <= TIMEOUT_MS + DETECTION_MARGIN_MS, `declared down ${detectedAfterMs} ms after the crash`);
});

test('a paused primary refuses, after its lease ran out, a read that waited in its queue', () => {
  const sim = cluster(400);
  const client = sim.client('writer', PATIENT_CLIENT);
  assert.equal(sim.put(client, 'x', 'old').ok, true);
  const container = sim.state()?.containers['default'];
  assert.ok(container !== undefined);
  const slice = sliceHasher(container.seedHex, container.sliceCount)('x');
  const entry = container.slices[slice];
  assert.ok(entry !== undefined);
  const primaryNode = sim.topology.nodes.find((n) => n.vns.some((v) => v.id === entry.primary))?.id ?? '';
  // A raw endpoint, so the read goes to the old primary exactly and is not re-routed.
  sim.world.addNode('raw');
  const raw = sim.world.start('raw');
  const answers = new Map<number, DataResult>();
  raw.transport.onReceive((envelope) => {
    const message = envelope.message as { kind?: string; reqId: number; result: DataResult };
    if (message.kind === DATA_RESPONSE) answers.set(message.reqId, message.result);
  });
  sim.world.pause(primaryNode, true);
  // The rest of the cluster runs on: the paused node is declared down, its secondary promoted,
  // and a newer value written there.
  assert.ok(sim.world.runUntil(() => sim.state()?.nodeStates[primaryNode] === 'down', 5_000, 5));
  assert.deepEqual(sim.put(client, 'x', 'new'), { ok: true, version: 2 });
  raw.transport.send(primaryNode, { kind: DATA_REQUEST, reqId: 1, op: { type: 'get', container: 'default', slice, epoch: entry.epoch, key: 'x' } });
  sim.world.runFor(200);
  assert.equal(answers.has(1), false, 'a paused node answers nothing');
  sim.world.pause(primaryNode, false);
  assert.ok(sim.world.runUntil(() => answers.has(1), 2_000, 1));
  const answer = answers.get(1);
  assert.equal(answer?.ok, false, `the old primary served ${JSON.stringify(answer)}`);
  assert.deepEqual(sim.get(sim.client('reader', PATIENT_CLIENT), 'x'), { ok: true, version: 2, value: 'new' });
});
