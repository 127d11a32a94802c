// Placement versions: a restarted node recomputes maps when it replays its log, so version 1 must
// give, bit for bit, the maps it gave before version 2 existed. The digests below were taken from
// the original code (commit b2b6251) and must never change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialMap, rebalance, type PlacementVn, type SliceMap } from './index';

function vnsFor(nodeCount: number, vnsPerNode: number): PlacementVn[] {
  const out: PlacementVn[] = [];
  for (let n = 1; n <= nodeCount; n++) for (let v = 0; v < vnsPerNode; v++) out.push({ id: `node-${n}/vn-${v}`, nodeId: `node-${n}` });
  return out;
}

/** FNV-1a of the map's JSON: a short, stable fingerprint. */
function digest(map: SliceMap): string {
  const text = JSON.stringify(map);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const VERSION_1_DIGESTS: ReadonlyArray<readonly [number, number, number, string, string]> = [
  // nodes, VNs per node, slices, initial map, after losing node-2
  [3, 4, 4096, 'bbf6a9f5', '05e4dc55'],
  [4, 16, 1024, 'ffd81b3d', 'b88208c7'],
  [32, 8, 8192, 'b7ec951d', '16d7266d'],
];

test('placement version 1 computes exactly the maps of the original algorithm (log replay)', () => {
  for (const [n, v, s, initialDigest, failedDigest] of VERSION_1_DIGESTS) {
    const vns = vnsFor(n, v);
    const map = initialMap(vns, s, 1);
    assert.equal(digest(map), initialDigest, `${n} x ${v} x ${s}: initial map`);
    assert.equal(digest(rebalance(vns.filter((x) => x.nodeId !== 'node-2'), map, 1)), failedDigest, `${n} x ${v} x ${s}: after losing node-2`);
  }
});

test('version 2 spreads each node over the others (version 1 paired 4 x 16 x 1024 node-1 with node-2 only)', () => {
  const vns = vnsFor(4, 16);
  const partnersOfNode1 = (map: SliceMap): Set<string> => new Set(map.filter((r) => r.primary.startsWith('node-1/')).map((r) => r.secondary.split('/')[0]!));
  assert.deepEqual([...partnersOfNode1(initialMap(vns, 1024, 1))], ['node-2']);
  assert.deepEqual([...partnersOfNode1(initialMap(vns, 1024, 2))].sort(), ['node-2', 'node-3', 'node-4']);
});
