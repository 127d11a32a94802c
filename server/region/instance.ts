// The process's region guard, for the tRPC routers (like server/cluster/instance.ts).
import type { RegionGuard } from './region-guard';

const KEY = Symbol.for('tessera.regionGuard');
type Holder = { [KEY]?: RegionGuard | undefined };

export function setRegionGuard(guard: RegionGuard | undefined): void {
  (globalThis as Holder)[KEY] = guard;
}

export function getRegionGuard(): RegionGuard | undefined {
  return (globalThis as Holder)[KEY];
}
