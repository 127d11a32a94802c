// The benchmarks that are not load phases, each in its own child process with its figures read
// back from a JSON file: migration and rebuild (bench/migration.ts), placement
// (bench/placement.ts), simulator speed (bench/simulator.ts).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../server/index';
import type { BenchMode } from './modes';
import type { MigrationResults, PlacementRow, SimulatorResults } from './results';

/** A bench script may take this long before it is stopped (the run must end). */
export const EXTRA_TIMEOUT_MS = 240_000;

async function runScript<T>(script: string, args: readonly string[], echo: boolean): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-extra-'));
  const out = join(dir, 'out.json');
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'bench', script), ...args, '--json-out', out], { cwd: ROOT_DIR, stdio: ['ignore', echo ? 'inherit' : 'ignore', 'inherit'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), EXTRA_TIMEOUT_MS);
      child.once('exit', (exitCode) => { clearTimeout(timer); resolve(exitCode); });
    });
    if (code !== 0) throw new Error(`bench/${script} exited with ${String(code)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function runMigration(mode: BenchMode): Promise<MigrationResults> {
  return runScript('migration.ts', ['--objects', String(mode.migrationObjects), '--object-bytes', String(mode.migrationObjectBytes)], true);
}

export function runPlacement(mode: BenchMode): Promise<PlacementRow[]> {
  return runScript('placement.ts', mode.name === 'quick' ? ['--quick'] : [], false);
}

export function runSimulator(mode: BenchMode): Promise<SimulatorResults> {
  return runScript('simulator.ts', ['--seeds', String(mode.simSeeds)], true);
}
