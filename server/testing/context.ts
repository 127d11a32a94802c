// tRPC contexts for tests: an in-process caller signed in with a given role (or not at all), or
// calling with an API token scoped to a container.
import type { Role } from '../auth/accounts';
import type { AuthService } from '../auth/auth-service';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';
import type { Context } from '../trpc';

export interface TestCaller {
  /** Calls as an API token scoped to this container (null: a session or unscoped token). */
  readonly container?: string | null;
  readonly auth?: AuthService;
}

export function testContext(cluster: EmbeddedCluster | undefined, role: Role | null, caller: TestCaller = {}): Context {
  const scoped = caller.container !== undefined && caller.container !== null;
  return {
    cluster, auth: caller.auth, credentials: { token: null, via: 'bearer' }, address: 'test',
    session: role === null ? undefined : {
      id: `test-${role}`, user: scoped ? `token:test-${role}` : `test-${role}`, role, createdAtMs: 0, lastSeenMs: 0,
      ...(scoped ? { tokenId: 'test', container: caller.container ?? null } : {}),
    },
  };
}
