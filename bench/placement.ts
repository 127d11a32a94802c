// Placement benchmark: for a grid of topologies, the balance reached, pair sharing against its
// bound, peers per VN, compute time, and the roles moved by scale-out (+1 node) against the ideal
// and by a node failure (new copies against the copies the failed node held).
// Run: node --import tsx bench/placement.ts [--quick] [--json-out FILE] (the rows as JSON too)
import { writeFileSync } from 'node:fs';
import { failover, initialMap, metrics, moves, scaleOut, type PlacementVn } from '../engine/placement/index';

function vnsFor(nodeCount: number, vnsPerNode: number, firstNode = 1): PlacementVn[] {
  const out: PlacementVn[] = [];
  for (let n = 0; n < nodeCount; n++) for (let v = 0; v < vnsPerNode; v++) out.push({ id: `node-${firstNode + n}/vn-${v}`, nodeId: `node-${firstNode + n}` });
  return out;
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

const quick = process.argv.includes('--quick');
const grid: Array<[number, number, number]> = [];
for (const n of quick ? [3, 8] : [3, 4, 8, 16, 32, 64]) for (const v of [4, 8]) for (const s of quick ? [4096] : [4096, 16384]) grid.push([n, v, s]);

// Warm the JIT so the first row is not charged for compilation.
initialMap(vnsFor(8, 8), 4096);

const header = ['nodes', 'vns/node', 'slices', 'map ms', 'prim min..max', 'sec min..max', 'pair max/bound', 'peers min', 'scale-out ms', 'moved/ideal', 'ratio', 'fail-node copies/lost', 'fail ratio'];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
const rows: Array<{ nodes: number; vnsPerNode: number; slices: number; mapMs: number; scaleOutMs: number; movesRatio: number; failRatio: number }> = [];
for (const [n, v, s] of grid) {
  const vns = vnsFor(n, v);
  const built = timed(() => initialMap(vns, s));
  const m = metrics(vns, built.value);
  const added = vnsFor(1, v, n + 1);
  const grown = timed(() => scaleOut(vns, built.value, added));
  const mv = moves(built.value, grown.value, added.map((x) => x.id));
  const lost = vns.filter((x) => x.nodeId === 'node-1').map((x) => x.id);
  const failed = failover(vns, built.value, lost);
  const fm = moves(built.value, failed);
  const lostSet = new Set(lost);
  const lostCopies = built.value.reduce((sum, r) => sum + (lostSet.has(r.primary) ? 1 : 0) + (lostSet.has(r.secondary) ? 1 : 0), 0);
  console.log(`| ${[n, v, s, built.ms.toFixed(1), `${m.primariesMin}..${m.primariesMax}`, `${m.secondariesMin}..${m.secondariesMax}`, `${m.pairShareMax}/${m.pairShareBound}`, m.peersMin,
    grown.ms.toFixed(0), `${mv.roleChanges}/${mv.idealRoleChanges}`, (mv.roleChanges / mv.idealRoleChanges).toFixed(3), `${fm.copiesMoved}/${lostCopies}`, (fm.copiesMoved / lostCopies).toFixed(3)].join(' | ')} |`);
  rows.push({ nodes: n, vnsPerNode: v, slices: s, mapMs: built.ms, scaleOutMs: grown.ms, movesRatio: mv.roleChanges / mv.idealRoleChanges, failRatio: fm.copiesMoved / lostCopies });
}
const jsonOut = process.argv.indexOf('--json-out');
if (jsonOut >= 0 && process.argv[jsonOut + 1] !== undefined) writeFileSync(process.argv[jsonOut + 1]!, JSON.stringify(rows));
