// Finds Debian's Chromium for Playwright, installing it with apt-get when missing and allowed
// (Playwright cannot download its own browser on these machines).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

export function ensureChromium(log: (line: string) => void): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    log(`Chromium is missing at ${CHROMIUM_PATH}. Install it with: sudo sh -c '${CHROMIUM_INSTALL_COMMAND}'`);
    return false;
  }
  log(`Chromium is missing: running ${CHROMIUM_INSTALL_COMMAND}`);
  const result = spawnSync('sh', ['-c', `${CHROMIUM_INSTALL_COMMAND} > .tmp/apt-chromium.log 2>&1`], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    log(`installing Chromium failed (see .tmp/apt-chromium.log); run: ${CHROMIUM_INSTALL_COMMAND}`);
    return false;
  }
  return true;
}
