// `tessera placement`: computes a slice map for a topology and, optionally, the map after adding
// nodes or failing one, as JSON or as a readable metrics table.

import { failover, initialMap, metrics, moves, scaleOut, type MapMetrics, type PlacementVn, type SliceMap } from '../../engine/placement/index';
import { SeededRandom } from '../../engine/sim/prng';
import { TOPOLOGY_LIMITS } from '../../engine/topology/topology';
import { intFlag, parseFlags, UsageError } from './args';

export const PLACEMENT_USAGE = 'tessera placement --nodes N --vns-per-node V --slices S [--seed X] [--add-nodes K] [--fail-node ID] [--json]';

function vnsOf(nodeCount: number, vnsPerNode: number, firstNode: number): PlacementVn[] {
  const out: PlacementVn[] = [];
  for (let n = 0; n < nodeCount; n++) for (let v = 0; v < vnsPerNode; v++) out.push({ id: `node-${firstNode + n}/vn-${v}`, nodeId: `node-${firstNode + n}` });
  return out;
}

/** --seed shuffles the VN order (as different clusters would list them); the map stays balanced. */
function shuffled(vns: PlacementVn[], seed: number | undefined): PlacementVn[] {
  if (seed === undefined) return vns;
  const random = new SeededRandom(seed);
  const out = vns.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function table(title: string, m: MapMetrics): string[] {
  return [
    title,
    `  slices ${m.sliceCount} over ${m.vnCount} VNs`,
    `  primaries per VN      ${m.primariesMin}..${m.primariesMax}`,
    `  secondaries per VN    ${m.secondariesMin}..${m.secondariesMax}`,
    `  max slices per pair   ${m.pairShareMax} (bound ${m.pairShareBound})`,
    `  min peers per VN      ${m.peersMin}`,
    `  same-node slices      ${m.sameNodeSlices}`,
  ];
}

const asJson = (vns: readonly PlacementVn[], map: SliceMap) => ({ vns: vns.map((v) => ({ id: v.id, node: v.nodeId })), map: map.map((r) => [r.primary, r.secondary]) });

export async function runPlacementCli(argv: string[], out: (line: string) => void): Promise<number> {
  await Promise.resolve();
  const { flags, positionals } = parseFlags(argv, { nodes: 'string', 'vns-per-node': 'string', slices: 'string', seed: 'string', 'add-nodes': 'string', 'fail-node': 'string', json: 'boolean' });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`);
  for (const required of ['nodes', 'vns-per-node', 'slices']) if (!flags.has(required)) throw new UsageError(`--${required} is required`);
  const nodes = intFlag(flags, 'nodes', 3, TOPOLOGY_LIMITS.nodeCountMin, TOPOLOGY_LIMITS.nodeCountMax);
  const vnsPerNode = intFlag(flags, 'vns-per-node', 4, TOPOLOGY_LIMITS.vnsPerNodeMin, TOPOLOGY_LIMITS.vnsPerNodeMax);
  const slices = intFlag(flags, 'slices', 4096, 64, 65_536);
  if ((slices & (slices - 1)) !== 0) throw new UsageError(`--slices must be a power of two in 64..65536, got ${slices}`);
  const seed = flags.has('seed') ? intFlag(flags, 'seed', 0, 0, 2 ** 31 - 1) : undefined;
  const addNodes = flags.has('add-nodes') ? intFlag(flags, 'add-nodes', 1, 1, TOPOLOGY_LIMITS.nodeCountMax - nodes) : 0;
  const failNode = flags.get('fail-node');
  if (addNodes > 0 && failNode !== undefined) throw new UsageError('--add-nodes and --fail-node cannot be combined');

  const vns = shuffled(vnsOf(nodes, vnsPerNode, 1), seed);
  const map = initialMap(vns, slices);
  let after: { vns: PlacementVn[]; map: SliceMap; added: string[] } | undefined;
  if (addNodes > 0) {
    const added = vnsOf(addNodes, vnsPerNode, nodes + 1);
    after = { vns: [...vns, ...added], map: scaleOut(vns, map, added), added: added.map((v) => v.id) };
  } else if (typeof failNode === 'string') {
    if (!vns.some((v) => v.nodeId === failNode)) throw new UsageError(`--fail-node must name a node node-1..node-${nodes}, got ${failNode}`);
    after = { vns: vns.filter((v) => v.nodeId !== failNode), map: failover(vns, map, vns.filter((v) => v.nodeId === failNode).map((v) => v.id)), added: [] };
  }

  if (flags.get('json') === true) {
    out(JSON.stringify({ ...asJson(vns, map), ...(after === undefined ? {} : { after: asJson(after.vns, after.map) }) }));
    return 0;
  }
  for (const line of table(`map: ${nodes} nodes x ${vnsPerNode} VNs, ${slices} slices`, metrics(vns, map))) out(line);
  if (after !== undefined) {
    for (const line of table(addNodes > 0 ? `after adding ${addNodes} node(s)` : `after failing ${String(failNode)}`, metrics(after.vns, after.map))) out(line);
    const m = moves(map, after.map, after.added);
    out(`  roles changed         ${m.roleChanges}${addNodes > 0 ? ` (ideal ${m.idealRoleChanges}, ratio ${(m.roleChanges / m.idealRoleChanges).toFixed(3)})` : ''}`);
    out(`  copies to build       ${m.copiesMoved}`);
  }
  return 0;
}
