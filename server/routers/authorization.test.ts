// Every tRPC procedure, called with no session, with each role, and with an API token scoped to
// a container (docs/SECURITY.md): reads need a viewer, operations an operator, settings and
// access management an admin; a container-scoped token may use the data API only; sign-in is
// open. A caller who passes the role check meets the next obstacle (no cluster or no auth
// service: SERVICE_UNAVAILABLE, or its input check). server/security/data-api-matrix.test.ts
// makes the same calls over HTTP with no credentials, a bad token and a scoped token.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRPCError } from '@trpc/server';
import type { Role } from '../auth/accounts';
import { testContext } from '../testing/context';
import { createCallerFactory } from '../trpc';
import { appRouter } from './_app';

const PUBLIC = new Set(['auth.login', 'auth.logout', 'auth.me']);
const ADMIN = new Set(['operations.setSettings', 'region.fence']);

function required(path: string, type: string): Role | null {
  if (PUBLIC.has(path)) return null;
  if (ADMIN.has(path) || path.startsWith('access.')) return 'admin';
  if (type === 'mutation') return 'operator';
  return 'viewer';
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

async function outcome(role: Role | null, path: string, container: string | null = null): Promise<string> {
  const caller = createCallerFactory(appRouter)(testContext(undefined, role, { container })) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
  const [namespace = '', name = ''] = path.split('.');
  const procedure = caller[namespace]?.[name];
  assert.ok(procedure !== undefined, path);
  try {
    const result = await procedure({});
    // A subscription hands back its stream: draining it runs the checks.
    if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const item of result as AsyncIterable<unknown>) if (item !== undefined) break;
    }
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : 'OTHER';
  }
}

test('every procedure checks its role: no session, viewer, operator, admin', async () => {
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);
  assert.ok(procedures.length >= 20, `only ${procedures.length} procedures found`);
  for (const [path, procedure] of procedures) {
    const needed = required(path, procedure._def.type);
    for (const role of [null, 'viewer', 'operator', 'admin'] as const) {
      const got = await outcome(role, path);
      const allowed = needed === null || (role !== null && RANK[role] >= RANK[needed]);
      if (allowed) assert.ok(!['UNAUTHORIZED', 'FORBIDDEN'].includes(got) || path === 'auth.login', `${path} as ${role ?? 'nobody'}: ${got}`);
      else assert.equal(got, role === null ? 'UNAUTHORIZED' : 'FORBIDDEN', `${path} as ${role ?? 'nobody'}`);
    }
  }
});

test('a token scoped to a container is refused by every procedure that needs a role, whatever its role', async () => {
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);
  assert.ok(procedures.some(([path]) => path.startsWith('access.')), 'the access router is mounted');
  for (const [path, procedure] of procedures) {
    if (required(path, procedure._def.type) === null) continue;
    for (const role of ['viewer', 'operator', 'admin'] as const) assert.equal(await outcome(role, path, 'photos'), 'FORBIDDEN', `${path} as a ${role} token scoped to photos`);
  }
});
