// Cluster settings owned by the controller. cluster.yml gives the initial values; after that
// changes go through Raft and each one is an event. Validation here is the engine's own (the
// server validates too, with zod, before proposing).

export type DegradedWritePolicy = 'accept' | 'refuse';

export interface ClusterSettings {
  readonly autoOnlineTimeoutSeconds: number;
  readonly heartbeatIntervalMs: number;
  readonly failureDetectionTimeoutMs: number;
  readonly degradedWritePolicy: DegradedWritePolicy;
  /** Bytes per second each node may spend copying slices (rebuilds, migrations); 0 = unlimited. */
  readonly rebuildThrottleMBps: number;
  /**
   * After a node or drive returns, or a drive is replaced, the controller leader starts a rebalance
   * by itself once the cluster is healthy and calm (auto-rebalance.ts); false leaves it to operators.
   */
  readonly autoRebalance: boolean;
}

export const DEFAULT_SETTINGS: ClusterSettings = {
  autoOnlineTimeoutSeconds: 600,
  heartbeatIntervalMs: 100,
  failureDetectionTimeoutMs: 1000,
  degradedWritePolicy: 'accept',
  rebuildThrottleMBps: 0,
  autoRebalance: true,
};

/**
 * Fills settings added after a command or snapshot was written (autoRebalance), so an old
 * bootstrap entry replayed from the log still applies, and applies the same way everywhere.
 */
export function withSettingDefaults(settings: ClusterSettings): ClusterSettings {
  const partial: Partial<ClusterSettings> = settings;
  return { ...settings, autoRebalance: partial.autoRebalance ?? DEFAULT_SETTINGS.autoRebalance };
}

/** Allowed ranges, inclusive. 0 disables auto-online. */
export const SETTING_RANGES = {
  autoOnlineTimeoutSeconds: { min: 0, max: 7 * 24 * 3600 },
  heartbeatIntervalMs: { min: 10, max: 10_000 },
  failureDetectionTimeoutMs: { min: 100, max: 120_000 },
  rebuildThrottleMBps: { min: 0, max: 100_000 },
} as const;

/** Returns the first problem as "field: rule (found value)", or null when the settings are valid. */
export function validateSettings(settings: ClusterSettings): string | null {
  for (const [field, range] of Object.entries(SETTING_RANGES) as Array<[keyof typeof SETTING_RANGES, { min: number; max: number }]>) {
    const value = settings[field];
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      return `${field}: must be an integer in ${range.min}..${range.max} (found ${String(value)})`;
    }
  }
  // Settings may come from outside TypeScript (a replayed log, a hand-edited file): check anyway.
  const policy: string = settings.degradedWritePolicy;
  if (policy !== 'accept' && policy !== 'refuse') {
    return `degradedWritePolicy: must be "accept" or "refuse" (found ${JSON.stringify(settings.degradedWritePolicy)})`;
  }
  const autoRebalance: unknown = settings.autoRebalance;
  if (typeof autoRebalance !== 'boolean') return `autoRebalance: must be true or false (found ${JSON.stringify(autoRebalance)})`;
  if (settings.failureDetectionTimeoutMs < 2 * settings.heartbeatIntervalMs) {
    return `failureDetectionTimeoutMs: must be at least twice heartbeatIntervalMs (${settings.heartbeatIntervalMs}) (found ${settings.failureDetectionTimeoutMs})`;
  }
  return null;
}
