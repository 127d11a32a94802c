// The data directory: a manifest naming the cluster, and a lock so two processes never open the
// same drives. The manifest is written atomically (temp file, fsync, rename, fsync of the dir).

import { closeSync, constants, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ClusterTopology } from '../../engine/topology/topology';

export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

const manifestSchema = z.object({
  formatVersion: z.literal(1),
  clusterId: z.string().regex(/^[0-9a-f]{32}$/),
  name: z.string(),
  createdAt: z.string(),
  topology: z.object({
    nodes: z.array(z.object({
      id: z.string(),
      failureDomain: z.string(),
      drives: z.array(z.object({ id: z.string(), capacityBytes: z.number() })),
      vns: z.array(z.object({ id: z.string(), nodeId: z.string(), driveId: z.string() })),
    })).min(1),
  }),
  foundingVoters: z.array(z.string()).optional(),
  retiredNodeIds: z.array(z.string()).optional(),
});

export interface DataDirManifest {
  readonly formatVersion: 1;
  readonly clusterId: string;
  readonly name: string;
  readonly createdAt: string;
  /** The nodes' current topology (it grows with scale-out and shrinks with decommission). */
  readonly topology: ClusterTopology;
  /** The controller voters the cluster was created with (Raft's base configuration). */
  readonly foundingVoters?: readonly string[];
  /** Nodes a decommission removed: their ids are never reused. */
  readonly retiredNodeIds?: readonly string[];
}

export const MANIFEST_FILE = 'cluster.json';
const LOCK_FILE = 'LOCK';

/** Creates the directory if needed and proves it is writable; throws one clear DataDirError. */
export function ensureWritableDataDir(dataDir: string): void {
  try {
    makeDirs(resolve(dataDir));
    const probe = join(dataDir, `.write-probe-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DataDirError(`data directory ${dataDir} is not writable (${code})`);
  }
}

/** Maximum directory depth created for a data dir: a bound instead of trusting recursion. */
const MAKE_DIRS_DEPTH_MAX = 64;

/**
 * mkdir -p, walking up at most MAKE_DIRS_DEPTH_MAX levels. Node's recursive mkdir can spin forever
 * on pseudo file systems such as /proc, so we walk the path ourselves.
 */
export function makeDirs(path: string): void {
  const missing: string[] = [];
  let cursor = path;
  for (let depth = 0; depth < MAKE_DIRS_DEPTH_MAX; depth++) {
    try {
      mkdirSync(cursor);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') break;
      if (code !== 'ENOENT' || dirname(cursor) === cursor) throw error;
      missing.push(cursor);
      cursor = dirname(cursor);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Data directories this process holds, so a second open in the same process is refused too. */
const heldByThisProcess = new Set<string>();

/** Takes the data directory's lock; a lock left by a dead process is taken over. */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = join(resolve(dataDir), LOCK_FILE);
  if (heldByThisProcess.has(lockPath)) throw new DataDirError(`data directory ${dataDir} is in use by process ${process.pid} (this one)`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldByThisProcess.add(lockPath);
      return () => {
        heldByThisProcess.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirError(`cannot lock data directory ${dataDir} (${String(error)})`);
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && pidAlive(holder)) {
        throw new DataDirError(`data directory ${dataDir} is in use by process ${holder}`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirError(`cannot lock data directory ${dataDir}`);
}

export function readManifest(dataDir: string): DataDirManifest | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataDirError(`cannot read ${join(dataDir, MANIFEST_FILE)} (${String(error)})`);
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new DataDirError(`${join(dataDir, MANIFEST_FILE)} is not a Tessera cluster manifest (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const { foundingVoters, retiredNodeIds, ...rest } = parsed.data;
  return { ...rest, ...(foundingVoters === undefined ? {} : { foundingVoters }), ...(retiredNodeIds === undefined ? {} : { retiredNodeIds }) };
}

export function writeManifest(dataDir: string, manifest: DataDirManifest): void {
  const path = join(dataDir, MANIFEST_FILE);
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(manifest, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dirFd = openSync(dataDir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
