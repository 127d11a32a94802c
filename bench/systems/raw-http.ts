// Starts and stops the raw HTTP baseline server (bench/systems/raw-http-server.ts) in a child.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT_DIR } from '../../server/index';
import { stopChild, waitForLine } from './child';
import type { RunningSystem } from './system';

export async function startRawHttp(): Promise<RunningSystem> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'bench', 'systems', 'raw-http-server.ts')], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const match = await waitForLine(child, /listening (\d+)/, 30_000);
  return {
    name: 'raw-http',
    target: { kind: 'raw-http', url: `http://127.0.0.1:${match[1] ?? '0'}` },
    serverPids: child.pid === undefined ? [] : [child.pid],
    stop: () => stopChild(child),
  };
}
