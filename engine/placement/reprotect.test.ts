import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { failover, initialMap, metrics, moves, type PlacementVn, type SliceMap } from './index';

/** New copies a re-protection may create, as a multiple of the copies the failure lost. */
const REPROTECT_COPIES_RATIO_MAX = 1.1;

function vnsFor(nodeCount: number, vnsPerNode: number): PlacementVn[] {
  const out: PlacementVn[] = [];
  for (let n = 1; n <= nodeCount; n++) for (let v = 0; v < vnsPerNode; v++) out.push({ id: `node-${n}/vn-${v}`, nodeId: `node-${n}` });
  return out;
}

/** Fails one node; asserts the balance goals on the survivors and returns new copies / lost copies. */
function failNode(nodeCount: number, vnsPerNode: number, sliceCount: number, victim: number): number {
  const vns = vnsFor(nodeCount, vnsPerNode);
  const map: SliceMap = initialMap(vns, sliceCount);
  const nodeId = `node-${1 + (victim % nodeCount)}`;
  const lost = new Set(vns.filter((v) => v.nodeId === nodeId).map((v) => v.id));
  let lostCopies = 0;
  for (const roles of map) lostCopies += (lost.has(roles.primary) ? 1 : 0) + (lost.has(roles.secondary) ? 1 : 0);
  const survivors = vns.filter((v) => !lost.has(v.id));
  const after = failover(vns, map, [...lost]);
  const context = `N=${nodeCount} v=${vnsPerNode} S=${sliceCount} lost ${nodeId}`;
  const m = metrics(survivors, after);
  assert.equal(m.sameNodeSlices, 0, `${context}: both copies on one node`);
  assert.ok(m.primariesMax - m.primariesMin <= 1, `${context}: primaries per VN ${m.primariesMin}..${m.primariesMax}`);
  assert.ok(m.secondariesMax - m.secondariesMin <= 1, `${context}: secondaries per VN ${m.secondariesMin}..${m.secondariesMax}`);
  assert.ok(m.pairShareMax <= m.pairShareBound, `${context}: a pair shares ${m.pairShareMax} slices, bound ${m.pairShareBound}`);
  map.forEach((roles, slice) => {
    const next = after[slice]!;
    const kept = [roles.primary, roles.secondary].filter((vn) => !lost.has(vn));
    assert.ok(kept.some((vn) => vn === next.primary || vn === next.secondary), `${context}: slice ${slice} dropped its surviving copy`);
  });
  const newCopies = moves(map, after).copiesMoved;
  // With fewer slices than VNs a node may hold nothing: then nothing may move.
  if (lostCopies === 0) {
    assert.equal(newCopies, 0, `${context}: ${newCopies} new copies though the node held none`);
    return 0;
  }
  const ratio = newCopies / lostCopies;
  assert.ok(ratio <= REPROTECT_COPIES_RATIO_MAX, `${context}: ${newCopies} new copies for ${lostCopies} lost (${ratio.toFixed(3)} x)`);
  return ratio;
}

// Found by the bench: 32 nodes x 8 VNs x 8192 slices made 704 copies for 512 lost (1.375 x),
// because initial maps paired each node with only a few others and the balancing engine paid
// for balance with moves. Before the fix the worst over a coarse grid was 1.59 x (48 x 8 x 8192).
test('regression: failing a node of 32 nodes x 8 VNs x 8192 slices re-protects with at most 1.10 x the lost copies', () => {
  failNode(32, 8, 8192, 0);
});

// Found by a grid run: with 3 nodes, one failure leaves 2, so a node's secondaries are exactly the
// other node's primaries; the secondary targets ignored that (512 on a node facing 513 primaries)
// and balancing threw "cannot rebalance secondaries" under placement version 2.
// Failing node-2 also threw on 3 x 6 x 4096 and 3 x 11 x 4096.
test('regression: failing any node of 3 x 7 x 1024, 3 x 7 x 4096, 3 x 14 x 256, 3 x 6 x 4096 or 3 x 11 x 4096 stays balanced (two nodes left)', () => {
  for (const [n, v, s] of [[3, 7, 1024], [3, 7, 4096], [3, 14, 256], [3, 6, 4096], [3, 11, 4096]] as const) for (const victim of [0, 1, 2]) failNode(n, v, s, victim);
});

test('failing a node re-protects with at most 1.10 x the lost copies and stays balanced (N 3..64, v 1..16)', () => {
  let worst = 0;
  fc.assert(fc.property(fc.integer({ min: 3, max: 64 }), fc.integer({ min: 1, max: 16 }), fc.constantFrom(256, 1024, 4096, 8192), fc.nat(), (n, v, s, victim) => {
    worst = Math.max(worst, failNode(n, v, s, victim));
  }), { numRuns: 60 });
  console.log(`worst re-protection copies / lost copies: ${worst.toFixed(3)}`);
});

test('the corners of the grid stay within 1.10 x', () => {
  for (const [n, v, s] of [[3, 1, 256], [3, 16, 8192], [64, 1, 256], [64, 16, 1024], [64, 16, 8192], [4, 16, 1024]] as const) failNode(n, v, s, 1);
});
