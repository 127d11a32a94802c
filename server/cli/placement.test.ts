import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairShareBound } from '../../engine/placement/bounds';
import { runPlacementCli } from './placement';

interface JsonMap { vns: Array<{ id: string; node: string }>; map: string[][] }

/**
 * The balance figures of a printed map, computed here from the JSON alone (not by the placement
 * code under test): roles per VN, slices on one node, the most slices one ordered pair shares.
 */
function balanceOf(out: JsonMap): { primariesSpread: number; secondariesSpread: number; sameNodeSlices: number; pairShareMax: number } {
  const nodeOf = new Map(out.vns.map((v) => [v.id, v.node]));
  const primaries = new Map(out.vns.map((v) => [v.id, 0]));
  const secondaries = new Map(out.vns.map((v) => [v.id, 0]));
  const pairs = new Map<string, number>();
  let sameNodeSlices = 0;
  for (const [primary, secondary] of out.map) {
    assert.ok(primaries.has(primary!) && secondaries.has(secondary!), `the map names a VN not in the list: ${primary} / ${secondary}`);
    primaries.set(primary!, primaries.get(primary!)! + 1);
    secondaries.set(secondary!, secondaries.get(secondary!)! + 1);
    if (nodeOf.get(primary!) === nodeOf.get(secondary!)) sameNodeSlices++;
    const pair = `${primary} ${secondary}`;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  const spread = (counts: Map<string, number>): number => Math.max(...counts.values()) - Math.min(...counts.values());
  return { primariesSpread: spread(primaries), secondariesSpread: spread(secondaries), sameNodeSlices, pairShareMax: Math.max(...pairs.values()) };
}

function assertBalanced(out: JsonMap, vnsPerNode: number, label: string): void {
  const b = balanceOf(out);
  assert.ok(b.primariesSpread <= 1, `${label}: primaries per VN differ by ${b.primariesSpread}`);
  assert.ok(b.secondariesSpread <= 1, `${label}: secondaries per VN differ by ${b.secondariesSpread}`);
  assert.equal(b.sameNodeSlices, 0, `${label}: slices with both copies on one node`);
  const bound = pairShareBound(out.map.length, out.vns.length, vnsPerNode);
  assert.ok(b.pairShareMax <= bound, `${label}: a VN pair shares ${b.pairShareMax} slices, bound ${bound}`);
}

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runPlacementCli(args, (line) => lines.push(line));
  return { code, lines };
}

test('--json prints the VNs and the map, slice index = array index', async () => {
  const { code, lines } = await run(['--nodes', '3', '--vns-per-node', '2', '--slices', '64', '--json']);
  assert.equal(code, 0);
  assert.equal(lines.length, 1);
  const out = JSON.parse(lines[0]!) as { vns: Array<{ id: string; node: string }>; map: string[][]; after?: unknown };
  assert.equal(out.vns.length, 6);
  assert.deepEqual(out.vns[0], { id: 'node-1/vn-0', node: 'node-1' });
  assert.equal(out.map.length, 64);
  for (const [p, s] of out.map) assert.notEqual(p!.split('/')[0], s!.split('/')[0]);
  assert.equal(out.after, undefined);
});

test('--add-nodes and --fail-node add an "after" map; the table reports moves against ideal', async () => {
  const added = JSON.parse((await run(['--nodes', '3', '--vns-per-node', '4', '--slices', '256', '--add-nodes', '1', '--json'])).lines[0]!) as { after: { vns: unknown[]; map: unknown[] } };
  assert.equal(added.after.vns.length, 16);
  assert.equal(added.after.map.length, 256);
  const failed = JSON.parse((await run(['--nodes', '4', '--vns-per-node', '2', '--slices', '256', '--fail-node', 'node-2', '--json'])).lines[0]!) as { after: { vns: Array<{ node: string }>; map: string[][] } };
  assert.ok(failed.after.vns.every((v) => v.node !== 'node-2'));
  assert.ok(failed.after.map.flat().every((vn) => !vn.startsWith('node-2/')));
  const table = (await run(['--nodes', '3', '--vns-per-node', '4', '--slices', '4096', '--add-nodes', '1'])).lines.join('\n');
  assert.match(table, /primaries per VN\s+341\.\.342/);
  assert.match(table, /roles changed\s+\d+ \(ideal \d+, ratio 1\.0\d\d\)/);
});

test('--seed changes the layout but keeps it balanced (roles per VN within 1, no slice on one node, pair share within bound)', async () => {
  // 128 slices over 6 VNs does not divide evenly (21 or 22 each): "within 1" is what is tested.
  const args = (seed: string): string[] => ['--nodes', '3', '--vns-per-node', '2', '--slices', '128', '--seed', seed, '--json'];
  const a = (await run(args('1'))).lines[0]!;
  const b = (await run(args('2'))).lines[0]!;
  assert.notEqual(a, b);
  assertBalanced(JSON.parse(a) as JsonMap, 2, 'seed 1');
  assertBalanced(JSON.parse(b) as JsonMap, 2, 'seed 2');
  // The "after" maps of a seeded layout are balanced too.
  const added = JSON.parse((await run(['--nodes', '3', '--vns-per-node', '3', '--slices', '256', '--seed', '7', '--add-nodes', '1', '--json'])).lines[0]!) as { after: JsonMap };
  assertBalanced(added.after, 3, 'seed 7 after adding a node');
  const failed = JSON.parse((await run(['--nodes', '4', '--vns-per-node', '2', '--slices', '256', '--seed', '7', '--fail-node', 'node-2', '--json'])).lines[0]!) as { after: JsonMap };
  assertBalanced(failed.after, 2, 'seed 7 after failing node-2');
});

test('bad arguments name the flag and its range', async () => {
  await assert.rejects(run(['--nodes', '2', '--vns-per-node', '2', '--slices', '64']), /--nodes must be an integer in 3\.\.64, got 2/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2', '--slices', '100']), /--slices must be a power of two/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2']), /--slices is required/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2', '--slices', '64', '--fail-node', 'node-7']), /--fail-node must name a node node-1\.\.node-3/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2', '--slices', '64', '--colour', 'red']), /unknown flag --colour/);
});
