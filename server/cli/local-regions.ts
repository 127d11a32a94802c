// `tessera local --regions 2`: two regions and two arbitrators on this machine, each its own
// process, for trying multi-region in one terminal. region-a (active at first) serves on port N,
// region-b (passive) on N+1, the arbitrators on N+10 and N+11. Every line a process prints is
// prefixed with its name. Ctrl-C stops them all; a process that dies stays dead (a failure
// stays a failure until the operator restarts `tessera local`).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeSecretFile } from '../auth/secure-file';
import { ROOT_DIR } from '../index';
import { intFlag, parseFlags, stringFlag, UsageError } from './args';
import type { Output } from './operator';

export const LOCAL_REGIONS_USAGE = 'tessera local --regions 2 [--data-dir DIR] [--port N] [--config FILE] [--no-console]';
const REGION_IDS = ['region-a', 'region-b'] as const;
const ACA_PORT_OFFSETS = [10, 11] as const;

function prefixed(child: ChildProcess, name: string, out: Output): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) out(`[${name}] ${line}`);
    });
  }
}

export async function runLocalRegions(argv: readonly string[], out: Output): Promise<number> {
  const { flags } = parseFlags(argv, { regions: 'string', 'data-dir': 'string', port: 'string', config: 'string', 'no-console': 'boolean' });
  const regions = intFlag(flags, 'regions', 2, 2, 2);
  const dataDir = resolve(stringFlag(flags, 'data-dir', './data-regions'));
  const port = intFlag(flags, 'port', 3000, 1, 65_000);
  const configPath = resolve(stringFlag(flags, 'config', './cluster.yml'));
  if (!existsSync(configPath)) throw new UsageError(`--config: ${configPath} does not exist`);
  const base = (parse(readFileSync(configPath, 'utf8')) ?? {}) as Record<string, unknown>;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const tokenFile = join(dataDir, 'aca.token');
  if (!existsSync(tokenFile)) writeSecretFile(tokenFile, `${randomBytes(24).toString('base64url')}\n`);
  const acaUrls = ACA_PORT_OFFSETS.map((offset) => `http://127.0.0.1:${port + offset}`);
  const regionUrls = REGION_IDS.map((_, i) => `http://127.0.0.1:${port + i}`);
  const children: { name: string; child: ChildProcess }[] = [];
  const launch = (name: string, args: readonly string[]): void => {
    const child = spawn(process.execPath, [join(ROOT_DIR, 'bin', 'tessera.mjs'), ...args], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    prefixed(child, name, out);
    child.once('exit', (code, signal) => out(`[${name}] exited (${signal ?? `code ${String(code)}`}); not restarted`));
    children.push({ name, child });
  };

  ACA_PORT_OFFSETS.forEach((offset, i) => {
    launch(`aca-${i + 1}`, ['aca', 'start', '--instance', `aca-${i + 1}`, '--port', String(port + offset), '--state-file', join(dataDir, `aca-${i + 1}.json`), '--token-file', tokenFile, '--active', 'region-a', '--secondary', 'region-b']);
  });
  for (let i = 0; i < regions; i++) {
    const id = REGION_IDS[i] as string;
    const regionDir = join(dataDir, id);
    mkdirSync(regionDir, { recursive: true, mode: 0o700 });
    const peers = Object.fromEntries(REGION_IDS.flatMap((other, j) => (other === id ? [] : [[other, regionUrls[j]]])));
    const config = { ...base, region: { id, peers, arbitrators: acaUrls } };
    const regionConfig = join(dataDir, `${id}.cluster.yml`);
    writeSecretFile(regionConfig, stringify(config));
    launch(id, ['start', '--data-dir', join(regionDir, 'data'), '--port', String(port + i), '--config', regionConfig, ...(flags.has('no-console') ? ['--no-console'] : [])]);
  }
  out(`regions: region-a ${regionUrls[0] ?? ''} (active), region-b ${regionUrls[1] ?? ''} (passive); arbitrators ${acaUrls.join(', ')}`);
  out(`switch over: TESSERA_ACA_TOKEN=$(cat ${tokenFile}) tessera aca set --active region-b ${acaUrls.map((u) => `--server ${u}`).join(' ')}`);

  await new Promise<void>((done) => {
    const stop = (): void => {
      out('stopping every process');
      let left = children.filter((c) => c.child.exitCode === null && c.child.signalCode === null).length;
      if (left === 0) return done();
      for (const { child } of children) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        child.once('exit', () => { if (--left === 0) done(); });
        child.kill('SIGTERM');
      }
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
