// The `tessera` process writes all of its output before it exits, also into a pipe: a 2 MB
// `placement --json` read through a pipe parses whole (it was cut at 64-440 KiB), and a reader
// that leaves early ends the command quietly.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.mjs');
const ARGS = ['placement', '--nodes', '32', '--vns-per-node', '8', '--slices', '65536', '--json'];

test('placement --json of more than 1 MiB arrives whole through a pipe, and the exit code is 0', async () => {
  const child = spawn(process.execPath, [BIN, ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  // Read slowly, like a busy `jq`: the writer must wait for the pipe, not exit past it.
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 1);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  const text = Buffer.concat(chunks).toString('utf8');
  assert.ok(text.length > 1_048_576, `only ${text.length} bytes arrived`);
  const parsed = JSON.parse(text) as { vns: unknown[]; map: unknown[] };
  assert.equal(parsed.vns.length, 32 * 8);
  assert.equal(parsed.map.length, 65_536);
});

test('a reader that closes the pipe early ends the command quietly', async () => {
  const child = spawn(process.execPath, [BIN, ...ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});
