// tRPC contexts for tests: an in-process caller signed in with a given role (or not at all).
import type { Role } from '../auth/accounts';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';
import type { Context } from '../trpc';

export function testContext(cluster: EmbeddedCluster | undefined, role: Role | null): Context {
  return {
    cluster, auth: undefined, credentials: { token: null, via: 'bearer' }, address: 'test',
    session: role === null ? undefined : { user: `test-${role}`, role, createdAtMs: 0, lastSeenMs: 0 },
  };
}
