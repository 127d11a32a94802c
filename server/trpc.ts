// tRPC building blocks: the request context and the procedure helpers every router uses.
// Routers stay thin: validation by zod, behaviour in the cluster/engine. Authorisation is
// checked inside every procedure through these helpers (never only in middleware that a
// request could bypass): viewer for reads, operator for operations, admin for settings and
// access management.

import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rank, type Role } from './auth/accounts';
import { csrfProblem, type AuthService, type Credentials } from './auth/auth-service';
import type { Session } from './auth/sessions';
import type { EmbeddedCluster } from './cluster/embedded-cluster';

export interface Context {
  readonly cluster: EmbeddedCluster | undefined;
  readonly auth: AuthService | undefined;
  readonly credentials: Credentials;
  /** Who is calling: a console session or an API token (see Session). */
  readonly session: Session | undefined;
  /** The HTTP exchange, when the call came over HTTP (absent for in-process callers). */
  readonly req?: IncomingMessage | undefined;
  readonly res?: ServerResponse | undefined;
  readonly address: string;
}

// isDev false: error answers never carry stack traces. Input errors read "field: problem".
const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter: ({ shape, error }) => {
    if (error.cause instanceof ZodError) {
      return { ...shape, message: error.cause.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ') };
    }
    return shape;
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;

function refuse(ctx: Context, path: string, code: 'UNAUTHORIZED' | 'FORBIDDEN', message: string): never {
  ctx.auth?.refused(`trpc:${code}`, { action: `refused.${path}`, actor: ctx.session?.user ?? null, address: ctx.address, result: `${code}: ${message}` });
  throw new TRPCError({ code, message });
}

/** The CSRF rule of cookie-authenticated mutations (also used by sign-in and sign-out). */
export function assertSameOrigin(ctx: Context, path: string): void {
  if (ctx.credentials.via !== 'cookie' || ctx.req === undefined) return;
  const problem = csrfProblem(ctx.req);
  if (problem !== null) refuse(ctx, path, 'FORBIDDEN', `cross-site request refused: ${problem}`);
}

// The role is checked before anything else: a caller without it learns nothing, not even
// whether the cluster is up.
function roleChecked(role: Role) {
  return t.procedure.use(({ ctx, next, type, path }) => {
    const session = ctx.session;
    if (session === undefined) refuse(ctx, path, 'UNAUTHORIZED', 'sign in first (or send an API token: Authorization: Bearer <token>)');
    if (session.container !== undefined && session.container !== null) refuse(ctx, path, 'FORBIDDEN', `this token is scoped to container ${session.container}: it may use the data API only`);
    if (rank(session.role) < rank(role)) refuse(ctx, path, 'FORBIDDEN', `this needs the ${role} role; ${session.user} is ${session.role}`);
    if (type === 'mutation') assertSameOrigin(ctx, path);
    return next({ ctx: { session } });
  });
}

function requireRole(role: Role) {
  return roleChecked(role).use(({ ctx, next }) => {
    const cluster = ctx.cluster;
    if (cluster === undefined) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the cluster is starting' });
    return next({ ctx: { cluster } });
  });
}

/** Reads: any signed-in user. */
export const clusterProcedure = requireRole('viewer');
/** Operations, drills and state transitions. */
export const operatorProcedure = requireRole('operator');
/** Settings. */
export const adminProcedure = requireRole('admin');
/** Users, tokens, sessions and the audit log: admins, with the auth service but no cluster needed. */
export const accessProcedure = roleChecked('admin').use(({ ctx, next }) => {
  const auth = ctx.auth;
  if (auth === undefined) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the server is starting' });
  return next({ ctx: { auth } });
});
