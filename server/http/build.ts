// Builds the console when no production build is present (a fresh clone), so `tessera start`
// works as the first command a new user runs.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function hasConsoleBuild(rootDir: string): boolean {
  return existsSync(join(rootDir, '.next', 'BUILD_ID'));
}

export async function buildConsole(rootDir: string, log: (line: string) => void): Promise<void> {
  log('no console build found: running `next build` (once, about a minute)');
  const nextBin = join(rootDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], { cwd: rootDir, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with code ${code ?? 'null'}`))));
  });
}
