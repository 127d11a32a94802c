import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPlacementCli } from './placement';

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

test('--seed changes the layout but keeps it balanced', async () => {
  const a = (await run(['--nodes', '3', '--vns-per-node', '2', '--slices', '64', '--seed', '1', '--json'])).lines[0];
  const b = (await run(['--nodes', '3', '--vns-per-node', '2', '--slices', '64', '--seed', '2', '--json'])).lines[0];
  assert.notEqual(a, b);
});

test('bad arguments name the flag and its range', async () => {
  await assert.rejects(run(['--nodes', '2', '--vns-per-node', '2', '--slices', '64']), /--nodes must be an integer in 3\.\.64, got 2/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2', '--slices', '100']), /--slices must be a power of two/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2']), /--slices is required/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2', '--slices', '64', '--fail-node', 'node-7']), /--fail-node must name a node node-1\.\.node-3/);
  await assert.rejects(run(['--nodes', '3', '--vns-per-node', '2', '--slices', '64', '--colour', 'red']), /unknown flag --colour/);
});
