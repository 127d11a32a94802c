// tRPC building blocks: the request context and the procedure helpers every router uses.
// Routers stay thin: validation by zod, behaviour in the cluster/engine. Authorisation is
// checked inside every procedure through these helpers (never only in middleware that a
// request could bypass): viewer for reads, operator for operations, admin for settings.

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

// The role is checked before anything else: a caller without it learns nothing, not even
// whether the cluster is up.
function requireRole(role: Role) {
  return t.procedure.use(({ ctx, next, type }) => {
    const session = ctx.session;
    if (session === undefined) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' });
    if (rank(session.role) < rank(role)) throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${role} role; ${session.user} is ${session.role}` });
    if (type === 'mutation' && ctx.credentials.via === 'cookie' && ctx.req !== undefined) {
      const problem = csrfProblem(ctx.req);
      if (problem !== null) throw new TRPCError({ code: 'FORBIDDEN', message: `cross-site request refused: ${problem}` });
    }
    return next({ ctx: { session } });
  }).use(({ ctx, next }) => {
    const cluster = ctx.cluster;
    if (cluster === undefined) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the cluster is starting' });
    return next({ ctx: { cluster } });
  });
}

/** Reads: any signed-in user. */
export const clusterProcedure = requireRole('viewer');
/** Operations, drills and state transitions. */
export const operatorProcedure = requireRole('operator');
/** Settings and accounts. */
export const adminProcedure = requireRole('admin');
