// cluster.yml's `region:` block → the region guard, or none when the cluster runs alone.

import { join } from 'node:path';
import { CLOCK_RATE_ERROR_MAX_DEFAULT } from '../../engine/region/write-lease';
import type { ClusterConfig } from '../config/cluster-config';
import { RegionGuard } from './region-guard';

/** In the data directory: the region's handoff fence. */
export const REGION_STATE_FILE = 'region.json';

export function regionGuardFrom(config: ClusterConfig, dataDir: string, log: (line: string) => void): RegionGuard | undefined {
  const region = config.region;
  if (region === undefined) return undefined;
  log(`region ${region.id}: polling ${region.arbitrators.length} arbitrator(s) every ${region.pollIntervalMs} ms; writes only under a ${region.leaseMs} ms lease a majority confirmed`);
  return new RegionGuard({
    id: region.id,
    peers: region.peers,
    arbitrators: region.arbitrators,
    leaseMs: region.leaseMs,
    pollIntervalMs: region.pollIntervalMs,
    clockRateErrorMax: CLOCK_RATE_ERROR_MAX_DEFAULT,
    stateFile: join(dataDir, REGION_STATE_FILE),
  }, log);
}
