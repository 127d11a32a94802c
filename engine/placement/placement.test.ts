import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decommission, failover, initialMap, metrics, moves, PlacementError, scaleOut, type PlacementVn, type SliceMap } from './index';

function vnsFor(nodeCount: number, vnsPerNode: number, firstNode = 1): PlacementVn[] {
  const out: PlacementVn[] = [];
  for (let n = 0; n < nodeCount; n++) for (let v = 0; v < vnsPerNode; v++) out.push({ id: `node-${firstNode + n}/vn-${v}`, nodeId: `node-${firstNode + n}` });
  return out;
}

/** Every placement goal of docs/DESIGN.md §3, asserted on one map. */
function assertGoals(vns: readonly PlacementVn[], map: SliceMap, context: string): void {
  const m = metrics(vns, map);
  assert.equal(m.unknownVnSlices, 0, `${context}: roles on unknown VNs`);
  assert.equal(m.sameNodeSlices, 0, `${context}: both copies on one node`);
  assert.ok(m.primariesMax - m.primariesMin <= 1, `${context}: primaries per VN ${m.primariesMin}..${m.primariesMax}`);
  assert.ok(m.secondariesMax - m.secondariesMin <= 1, `${context}: secondaries per VN ${m.secondariesMin}..${m.secondariesMax}`);
  // Exact bound on homogeneous topologies; a documented 25% allowance after single-VN losses.
  const allowed = m.homogeneous ? m.pairShareBound : Math.ceil(m.pairShareBound * HETEROGENEOUS_PAIR_ALLOWANCE);
  assert.ok(m.pairShareMax <= allowed, `${context}: a pair shares ${m.pairShareMax} slices, bound ${allowed}`);
  if (!m.homogeneous) worstHeterogeneousPairRatio = Math.max(worstHeterogeneousPairRatio, m.pairShareMax / m.pairShareBound);
}

const HETEROGENEOUS_PAIR_ALLOWANCE = 1.25;
let worstHeterogeneousPairRatio = 0;
process.on('exit', () => console.log(`worst pair share / bound on heterogeneous topologies: ${worstHeterogeneousPairRatio.toFixed(3)}`));

/** Sequence cases per run; PLACEMENT_SEQUENCE_RUNS raises it for long stress runs. */
const SEQUENCE_RUNS = Number(process.env['PLACEMENT_SEQUENCE_RUNS'] ?? 400);

const sliceCountArb = fc.integer({ min: 8, max: 14 }).map((e) => 2 ** e);

test('a new map meets every goal over random topologies (N 3..64, v 1..16, S 256..16384)', () => {
  fc.assert(fc.property(fc.integer({ min: 3, max: 64 }), fc.integer({ min: 1, max: 16 }), sliceCountArb, (n, v, s) => {
    fc.pre(n * v <= 1024);
    const vns = vnsFor(n, v);
    assertGoals(vns, initialMap(vns, s), `N=${n} v=${v} S=${s}`);
  }), { numRuns: 300 });
});

type Step = { kind: 'add'; nodes: number } | { kind: 'fail-node'; pick: number } | { kind: 'fail-vn'; pick: number } | { kind: 'decommission'; pick: number };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), nodes: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('fail-node' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('fail-vn' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('decommission' as const), pick: fc.nat() }),
);

test('every goal holds after each step of random add / fail / decommission sequences, and scale-out moves at most 1.10 x ideal', () => {
  let worstRatio = 0;
  fc.assert(fc.property(fc.integer({ min: 3, max: 16 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 8, max: 12 }).map((e) => 2 ** e), fc.array(stepArb, { minLength: 1, maxLength: 4 }),
    (n, v, s, steps) => {
      let vns = vnsFor(n, v);
      let map = initialMap(vns, s);
      let nextNode = n + 1;
      assertGoals(vns, map, 'initial');
      for (const step of steps) {
        const nodes = [...new Set(vns.map((x) => x.nodeId))];
        if (step.kind === 'add') {
          const added = vnsFor(step.nodes, v, nextNode);
          nextNode += step.nodes;
          const after = scaleOut(vns, map, added);
          const counted = moves(map, after, added.map((x) => x.id));
          const ratio = counted.roleChanges / counted.idealRoleChanges;
          worstRatio = Math.max(worstRatio, ratio);
          assert.ok(ratio <= 1.1, `scale-out moved ${counted.roleChanges} roles, ideal ${counted.idealRoleChanges}`);
          vns = [...vns, ...added];
          map = after;
        } else if (nodes.length <= 3) {
          continue; // Keep at least 3 nodes: the smallest cluster.
        } else if (step.kind === 'fail-vn') {
          const victim = vns[step.pick % vns.length]!;
          map = failover(vns, map, [victim.id]);
          vns = vns.filter((x) => x.id !== victim.id);
        } else {
          const nodeId = nodes[step.pick % nodes.length]!;
          map = step.kind === 'fail-node' ? failover(vns, map, vns.filter((x) => x.nodeId === nodeId).map((x) => x.id)) : decommission(vns, map, nodeId);
          vns = vns.filter((x) => x.nodeId !== nodeId);
        }
        assertGoals(vns, map, `after ${step.kind}`);
      }
    }), { numRuns: SEQUENCE_RUNS });
  console.log(`worst scale-out moves ratio seen: ${worstRatio.toFixed(3)}`);
});

// Regression: found by the sequence property on 2026-11-24 (fast-check seed -638301891). The
// first scale-out avoided moving both roles of a slice, leaving pairs between new VNs nearly
// empty and old pairs at the bound; the next scale-out then needed 30 repair swaps (1.117x).
test('regression: scale-out after two node failures and a scale-out stays at ideal moves', () => {
  let vns = vnsFor(7, 2);
  let map = initialMap(vns, 2048);
  for (const nodeId of ['node-1', 'node-2']) {
    map = failover(vns, map, vns.filter((x) => x.nodeId === nodeId).map((x) => x.id));
    vns = vns.filter((x) => x.nodeId !== nodeId);
  }
  for (const [count, first] of [[2, 8], [1, 10]] as const) {
    const added = vnsFor(count, 2, first);
    const after = scaleOut(vns, map, added);
    const counted = moves(map, after, added.map((x) => x.id));
    assert.ok(counted.roleChanges <= 1.1 * counted.idealRoleChanges, `moved ${counted.roleChanges}, ideal ${counted.idealRoleChanges}`);
    vns = [...vns, ...added];
    map = after;
    assertGoals(vns, map, `after adding ${count}`);
  }
});

test('failover promotes the lost VN\'s secondaries: its primaries stay on the VN that held the copy', () => {
  fc.assert(fc.property(fc.integer({ min: 3, max: 12 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (n, v, pick) => {
    const vns = vnsFor(n, v);
    const map = initialMap(vns, 1024);
    const lost = vns[pick % vns.length]!;
    const after = failover(vns, map, [lost.id]);
    map.forEach((roles, slice) => {
      const next = after[slice]!;
      // Every slice keeps at least one of its copies: nothing has to be rebuilt from nowhere.
      assert.ok(next.primary === roles.primary || next.primary === roles.secondary || next.secondary === roles.primary || next.secondary === roles.secondary, `slice ${slice} lost both copies`);
      if (roles.primary === lost.id) assert.ok(next.primary === roles.secondary || next.secondary === roles.secondary, `slice ${slice}: the surviving copy is kept`);
    });
  }), { numRuns: 200 });
});

test('the same input gives the same map; a different topology gives a different one', () => {
  fc.assert(fc.property(fc.integer({ min: 3, max: 20 }), fc.integer({ min: 1, max: 8 }), sliceCountArb, (n, v, s) => {
    const vns = vnsFor(n, v);
    assert.deepEqual(initialMap(vns, s), initialMap(vns, s));
  }), { numRuns: 100 });
});

test('bad input is refused with an error naming the field', () => {
  assert.throws(() => initialMap(vnsFor(3, 2), 1000), (e: unknown) => e instanceof PlacementError && /^slices: must be a power of two/.test(e.message));
  assert.throws(() => initialMap(vnsFor(3, 2), 32), /slices: must be a power of two in 64\.\.65536 \(found 32\)/);
  assert.throws(() => initialMap(vnsFor(1, 4), 256), /nodes: need VNs on at least 2 nodes/);
  assert.throws(() => initialMap([...vnsFor(3, 1), { id: 'node-1/vn-0', nodeId: 'node-2' }], 256), /vns: duplicate VN id node-1\/vn-0/);
  const vns = vnsFor(3, 2);
  const map = initialMap(vns, 256);
  assert.throws(() => scaleOut(vns, map, [{ id: 'node-1/vn-9', nodeId: 'node-1' }]), /added: .* existing node/);
  assert.throws(() => failover(vns, map, ['node-9/vn-0']), /lost: no VN node-9\/vn-0/);
  assert.throws(() => decommission(vns, map, 'node-9'), /node: no node node-9/);
});

test('the smallest cluster: 3 nodes x 1 VN, 64 slices', () => {
  const vns = vnsFor(3, 1);
  const map = initialMap(vns, 64);
  assertGoals(vns, map, '3x1');
  const m = metrics(vns, map);
  assert.equal(m.peersMin, 2);
});
