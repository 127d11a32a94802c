// The data directory is readable by its owner only (docs/SECURITY.md): 0700 directories and
// 0600 files, whatever the umask. New files get it from the process umask (set to 077 at
// start); files from an older version are fixed by a bounded walk at start.

import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;
/** The umask of the server process: nothing for group or others. */
export const SERVER_UMASK = 0o077;
/** Entries the start-up walk fixes at most (a data dir holds a few per drive). */
export const PERMISSION_WALK_ENTRIES_MAX = 100_000;
const WALK_DEPTH_MAX = 6;

/** Restricts the umask and the modes of everything under `dataDir`; returns the entries fixed. */
export function restrictDataDir(dataDir: string): number {
  process.umask(SERVER_UMASK);
  let seen = 0;
  let fixed = 0;
  const walk = (dir: string, depth: number): void => {
    for (const name of readdirSync(dir)) {
      if (++seen > PERMISSION_WALK_ENTRIES_MAX) return;
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) continue;
      const want = stat.isDirectory() ? DATA_DIR_MODE : DATA_FILE_MODE;
      if ((stat.mode & 0o777) !== want) {
        chmodSync(path, want);
        fixed++;
      }
      if (stat.isDirectory() && depth < WALK_DEPTH_MAX) walk(path, depth + 1);
    }
  };
  if ((lstatSync(dataDir).mode & 0o777) !== DATA_DIR_MODE) {
    chmodSync(dataDir, DATA_DIR_MODE);
    fixed++;
  }
  walk(dataDir, 0);
  return fixed;
}
