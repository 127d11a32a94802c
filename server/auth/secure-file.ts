// Files holding secrets' digests and account data: written atomically (temp, fsync, rename) and
// readable by the owner only (0600), whatever the process umask.

import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

export const SECRET_FILE_MODE = 0o600;

export function writeSecretFile(path: string, text: string): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w', SECRET_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // An existing temp file keeps its old mode through open(): set it explicitly.
  chmodSync(temp, SECRET_FILE_MODE);
  renameSync(temp, path);
}
