// Scale-out and drive replacement on the real server, driven from the CLI, under a write load:
// 3 → 4 nodes with `tessera scale-out --nodes 1 --wait`; roles balanced afterwards; a drive
// failed with `tessera drive fail`, its slices re-protected, then `tessera drive replace --wait`
// gives its VNs their share back; `tessera decommission node-4 --wait` drains it and removes it.
// Every acknowledged write reads back with its latest value.
// The measured figures (moves against ideal, MB/s, rebuild time) are printed for the notes.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT_DIR, startServer } from '../index';
import { authedFetch, useTestApiToken } from '../testing/api-token';
import { until } from '../testing/until';

/** These waits ask a real server over HTTP: poll less often than in-process checks. */
const POLL_MS = 250;

const PASSWORD = 'scale-out-test-password';
process.env['TESSERA_ADMIN_PASSWORD'] = PASSWORD;
useTestApiToken();

/** Keys the load writes; values are ~1 KiB so migrations copy real bytes. */
const KEY_COUNT = 600;
const VALUE_PAD = 'x'.repeat(1000);
const WRITERS = 4;

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), ...args], { env: { ...process.env, TESSERA_PASSWORD: PASSWORD } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}


interface Overview {
  counts: { slicesTwoCopies: number; slicesOneCopy: number; slicesNoCopy: number };
  nodes: Array<{ id: string; adminState: string; vns: Array<{ id: string; primaries: number; secondaries: number }>; drives: Array<{ id: string; state: string }> }>;
}

interface OperationView { id: string; kind: string; state: string; plannedMoves: number; idealMoves: number; movesRatio: number | null; doneMoves: number; bytesCopied: number; bytesPerSecond: number; elapsedSeconds: number }

/** A write load over the HTTP data API: each acknowledged write is remembered with its value. */
function startLoad(url: string): { stop: () => Promise<void>; acked: Map<string, string>; writes: () => number; failures: string[] } {
  const acked = new Map<string, string>();
  const failures: string[] = [];
  let running = true;
  let count = 0;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; running; i++) {
      const key = `key-${(i * WRITERS + w) % KEY_COUNT}`;
      const value = `${w}-${i}-${VALUE_PAD}`;
      const response = await authedFetch(`${url}/api/v1/containers/default/objects/${key}`, { method: 'PUT', body: value });
      if (response.ok) {
        acked.set(key, value);
        count++;
      } else if (response.status !== 503) {
        // 503 (slice briefly unavailable, with Retry-After) is an honest refusal; anything else is a bug.
        failures.push(`${key}: ${response.status} ${await response.text()}`);
      }
    }
  };
  const all = Promise.all(Array.from({ length: WRITERS }, (_, w) => worker(w)));
  return { acked, failures, writes: () => count, stop: async () => { running = false; await all; } };
}

async function verifyAll(url: string, acked: ReadonlyMap<string, string>): Promise<void> {
  for (const [key, value] of acked) {
    const response = await authedFetch(`${url}/api/v1/containers/default/objects/${key}`);
    assert.equal(response.status, 200, `read ${key}`);
    assert.equal(await response.text(), value, `latest acknowledged value of ${key}`);
  }
}

function roleSpread(overview: Overview): { min: number; max: number; primariesMin: number; primariesMax: number } {
  const vns = overview.nodes.flatMap((n) => n.vns);
  const totals = vns.map((v) => v.primaries + v.secondaries);
  const primaries = vns.map((v) => v.primaries);
  return { min: Math.min(...totals), max: Math.max(...totals), primariesMin: Math.min(...primaries), primariesMax: Math.max(...primaries) };
}

test('tessera scale-out 3 → 4 nodes under load, a failed drive rebuilt and replaced, then node-4 decommissioned, from the CLI', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-scale-out-'));
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', configPath: join(ROOT_DIR, 'cluster.yml'), withConsole: false });
  const at = ['--server', server.url];
  const overview = async (): Promise<Overview> => JSON.parse((await cli(['status', '--json', ...at])).stdout) as Overview;
  const operations = async (): Promise<OperationView[]> => JSON.parse((await cli(['operations', '--json', ...at])).stdout) as OperationView[];
  try {
    const load = startLoad(server.url);
    assert.ok(await until(() => Promise.resolve(load.writes() >= KEY_COUNT), 60_000, POLL_MS), 'the load did not get going');

    // Scale-out, waited on: the CLI prints the plan, then progress until the operation is done.
    const scaleOut = await cli(['scale-out', '--nodes', '1', '--vns', '4', '--drives', '4', '--wait', ...at]);
    assert.equal(scaleOut.status, 0, scaleOut.stdout + scaleOut.stderr);
    const plan = /adding node-4: (\d+) copy moves planned \(ideal (\d+), ratio ([\d.]+)\)/.exec(scaleOut.stdout);
    assert.ok(plan !== null, scaleOut.stdout);
    assert.ok(Number(plan[3]) <= 1.10, `moves against ideal ${plan[3]}`);
    const scaleOp = (await operations()).find((op) => op.kind === 'scale-out');
    assert.equal(scaleOp?.state, 'done');
    const afterScaleOut = await overview();
    assert.equal(afterScaleOut.nodes.length, 4);
    assert.equal(afterScaleOut.counts.slicesTwoCopies, 4096);
    const spread = roleSpread(afterScaleOut);
    // 4096 slices × 2 roles over 16 VNs = 512 each; placement keeps every VN within a few.
    assert.ok(spread.max - spread.min <= 4 && spread.primariesMax - spread.primariesMin <= 4, `roles per VN: ${JSON.stringify(spread)}`);
    console.log(`scale-out 3 → 4: ${scaleOp.plannedMoves} moves (ideal ${scaleOp.idealMoves}, ratio ${scaleOp.movesRatio?.toFixed(3) ?? '-'}), ${(scaleOp.bytesCopied / 1e6).toFixed(1)} MB copied at ${(scaleOp.bytesPerSecond / 1e6).toFixed(2)} MB/s in ${scaleOp.elapsedSeconds.toFixed(1)} s; roles per VN ${spread.min}..${spread.max}; ${load.writes()} writes so far`);

    // A drive dies under the load: its VNs' slices fail over and are re-protected from peers.
    const drive = 'node-2/drive-1';
    const failedAt = performance.now();
    const fail = await cli(['drive', 'fail', drive, ...at]);
    assert.equal(fail.status, 0, fail.stderr);
    assert.ok(await until(async () => (await overview()).counts.slicesTwoCopies === 4096, 120_000, POLL_MS), 'not re-protected after the drive failure');
    const reprotectedMs = performance.now() - failedAt;
    const failedView = await overview();
    assert.equal(failedView.nodes.find((n) => n.id === 'node-2')?.drives.find((d) => d.id === drive)?.state, 'failed');
    const failedVns = new Set(failedView.nodes.find((n) => n.id === 'node-2')?.vns.filter((v) => v.primaries + v.secondaries === 0).map((v) => v.id));
    assert.equal(failedVns.size, 1, 'exactly the failed drive\'s VN holds no roles');

    // Replaced: an empty drive; the rebalance gives its VN roles again.
    const replace = await cli(['drive', 'replace', drive, '--wait', ...at]);
    assert.equal(replace.status, 0, replace.stdout + replace.stderr);
    const rebalance = (await operations()).find((op) => op.kind === 'rebalance');
    assert.equal(rebalance?.state, 'done');
    const afterReplace = await overview();
    assert.equal(afterReplace.nodes.find((n) => n.id === 'node-2')?.drives.find((d) => d.id === drive)?.state, 'ok');
    assert.equal(afterReplace.counts.slicesTwoCopies, 4096);
    const replacedSpread = roleSpread(afterReplace);
    assert.ok(replacedSpread.min > 0, 'the replaced drive\'s VN got roles back');
    const drives = JSON.parse((await cli(['drives', '--json', ...at])).stdout) as { mttdl: { estimate: { mttdlYears: number; inputs: { rebuildHours: number } } | null } };
    assert.ok(drives.mttdl.estimate !== null && drives.mttdl.estimate.mttdlYears > 0);
    console.log(`drive ${drive} failed: re-protected in ${Math.round(reprotectedMs)} ms; replacement rebalance ${rebalance.plannedMoves} moves in ${rebalance.elapsedSeconds.toFixed(1)} s; roles per VN ${replacedSpread.min}..${replacedSpread.max}; MTTDL ${drives.mttdl.estimate.mttdlYears.toExponential(2)} years (rebuild ${(drives.mttdl.estimate.inputs.rebuildHours * 3600).toFixed(1)} s)`);

    // Decommission the node the scale-out added: it drains under the load and leaves.
    const decommission = await cli(['decommission', 'node-4', '--wait', ...at]);
    assert.equal(decommission.status, 0, decommission.stdout + decommission.stderr);
    const drained = (await operations()).find((op) => op.kind === 'decommission');
    assert.equal(drained?.state, 'done');
    assert.ok(drained.movesRatio !== null && drained.movesRatio <= 1.10, `decommission moves against ideal ${drained.movesRatio}`);
    assert.ok(await until(async () => (await overview()).nodes.length === 3, 30_000, POLL_MS), 'node-4 was not removed');
    const afterDecommission = await overview();
    assert.equal(afterDecommission.counts.slicesTwoCopies, 4096);
    const drainedSpread = roleSpread(afterDecommission);
    assert.ok(drainedSpread.max - drainedSpread.min <= 4, `roles per VN after decommission: ${JSON.stringify(drainedSpread)}`);
    console.log(`decommission of node-4: ${drained.plannedMoves} moves (ideal ${drained.idealMoves}) in ${drained.elapsedSeconds.toFixed(1)} s; roles per VN ${drainedSpread.min}..${drainedSpread.max}`);

    await load.stop();
    assert.deepEqual(load.failures, []);
    console.log(`${load.writes()} acknowledged writes over ${load.acked.size} keys, all read back`);
    await verifyAll(server.url, load.acked);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
