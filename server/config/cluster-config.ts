// cluster.yml: parsed with `yaml`, validated with zod. Every error names the field, the allowed
// range and the value found, in one line an operator can act on.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { REGION_ID_PATTERN } from '../../engine/region/aca-answer';
import { REGION_LEASE_MS_DEFAULT } from '../../engine/region/write-lease';
import { TOPOLOGY_LIMITS } from '../../engine/topology/topology';
import { ACA_INSTANCES_MAX } from '../region/aca-client';

const intIn = (min: number, max: number) => z.number().int(`must be an integer`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const SETTINGS_LIMITS = {
  autoOnlineTimeoutSecondsMax: 7 * 24 * 3600,
  heartbeatIntervalMsMin: 10,
  heartbeatIntervalMsMax: 10_000,
  failureDetectionTimeoutMsMin: 100,
  failureDetectionTimeoutMsMax: 120_000,
  slicesMin: 64,
  slicesMax: 65_536,
} as const;

const sliceCount = intIn(SETTINGS_LIMITS.slicesMin, SETTINGS_LIMITS.slicesMax).refine((n) => (n & (n - 1)) === 0, 'must be a power of two');

export const clusterConfigSchema = z.strictObject({
  cluster: z.strictObject({
    name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes').default('tessera-local'),
  }).default({ name: 'tessera-local' }),
  topology: z.strictObject({
    nodes: intIn(TOPOLOGY_LIMITS.nodeCountMin, TOPOLOGY_LIMITS.nodeCountMax).default(3),
    vnsPerNode: intIn(TOPOLOGY_LIMITS.vnsPerNodeMin, TOPOLOGY_LIMITS.vnsPerNodeMax).default(4),
    drivesPerNode: intIn(TOPOLOGY_LIMITS.drivesPerNodeMin, TOPOLOGY_LIMITS.drivesPerNodeMax).default(4),
    driveCapacityBytes: z.number().int().min(1e9, 'must be at least 1 GB').max(1e15, 'must be at most 1 PB').default(3.84e12),
  }).default({ nodes: 3, vnsPerNode: 4, drivesPerNode: 4, driveCapacityBytes: 3.84e12 }),
  settings: z.strictObject({
    autoOnlineTimeoutSeconds: intIn(0, SETTINGS_LIMITS.autoOnlineTimeoutSecondsMax).default(600),
    heartbeatIntervalMs: intIn(SETTINGS_LIMITS.heartbeatIntervalMsMin, SETTINGS_LIMITS.heartbeatIntervalMsMax).default(100),
    failureDetectionTimeoutMs: intIn(SETTINGS_LIMITS.failureDetectionTimeoutMsMin, SETTINGS_LIMITS.failureDetectionTimeoutMsMax).default(1000),
    degradedWritePolicy: z.enum(['accept', 'refuse']).default('accept'),
    rebuildThrottleMBps: intIn(0, 100_000).default(0),
    autoRebalance: z.boolean().default(true),
  }).default({ autoOnlineTimeoutSeconds: 600, heartbeatIntervalMs: 100, failureDetectionTimeoutMs: 1000, degradedWritePolicy: 'accept', rebuildThrottleMBps: 0, autoRebalance: true }),
  /** How the server is reached (docs/SECURITY.md): names it answers for, and its TLS files. */
  server: z.strictObject({
    advertise: z.array(z.string().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address')).max(32).default([]),
    tlsCert: z.string().min(1).max(4096).optional(),
    tlsKey: z.string().min(1).max(4096).optional(),
  }).optional(),
  /** Multi-region (docs/REGIONS.md): this cluster's region, the others, and the arbitrators. */
  region: z.strictObject({
    id: z.string().regex(REGION_ID_PATTERN, 'must be a region id: lowercase letters, digits and dashes, starting with a letter'),
    peers: z.record(z.string().regex(REGION_ID_PATTERN, 'region ids are lowercase letters, digits and dashes'), z.url('must be the region\'s client URL, such as http://10.0.1.5:3000')).default({}),
    arbitrators: z.array(z.url('must be an arbitrator URL, such as http://aca-1:3010')).min(1, 'must list at least one arbitrator').max(ACA_INSTANCES_MAX, `must list at most ${ACA_INSTANCES_MAX} arbitrators`),
    leaseMs: intIn(1_000, 60_000).default(REGION_LEASE_MS_DEFAULT),
    pollIntervalMs: intIn(200, 10_000).default(1_000),
  }).optional(),
  containers: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'container names are 1-63 lowercase letters, digits, _ and -'),
    z.strictObject({ slices: sliceCount.default(4096) }),
  ).default({ default: { slices: 4096 } }),
}).superRefine((config, ctx) => {
  if (config.region !== undefined && config.region.pollIntervalMs * 2 > config.region.leaseMs) {
    ctx.addIssue({ code: 'custom', path: ['region', 'pollIntervalMs'], message: `must be at most half of region.leaseMs (${config.region.leaseMs}), so a lost poll does not end the lease` });
  }
  if (config.settings.failureDetectionTimeoutMs < 2 * config.settings.heartbeatIntervalMs) {
    ctx.addIssue({ code: 'custom', path: ['settings', 'failureDetectionTimeoutMs'], message: `must be at least twice heartbeatIntervalMs (${config.settings.heartbeatIntervalMs})` });
  }
});

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cursor: unknown = raw;
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<PropertyKey, unknown>)[key];
  }
  return cursor;
}

/** Validates parsed YAML; throws ConfigError naming the first bad field. */
export function parseClusterConfig(raw: unknown, source: string): ClusterConfig {
  const result = clusterConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ConfigError(`${source}: invalid configuration`);
  const field = issue.path.map(String).join('.') || '(top level)';
  const found = valueAt(raw, issue.path);
  const foundText = found === undefined ? '' : ` (found ${JSON.stringify(found)})`;
  throw new ConfigError(`${source}: ${field}: ${issue.message}${foundText}`);
}

export function loadClusterConfig(path: string): ClusterConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read the configuration file (${code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  return parseClusterConfig(raw, path);
}
