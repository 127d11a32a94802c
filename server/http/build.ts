// Builds the console when no production build is present (a fresh clone), or when the console's
// sources changed after the build (a developer's checkout), so `tessera start` always serves
// the console of the code it runs.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the console's code lives; a file here newer than the build means a rebuild. */
const CONSOLE_SOURCE_DIRS = ['app', 'components', 'server/routers'];

function newestMtimeMs(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function hasConsoleBuild(rootDir: string): boolean {
  const buildId = join(rootDir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const builtAtMs = statSync(buildId).mtimeMs;
  return CONSOLE_SOURCE_DIRS.every((dir) => newestMtimeMs(join(rootDir, dir)) <= builtAtMs);
}

export async function buildConsole(rootDir: string, log: (line: string) => void): Promise<void> {
  log('no current console build: running `next build` (about a minute)');
  const nextBin = join(rootDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], { cwd: rootDir, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with code ${code ?? 'null'}`))));
  });
}
