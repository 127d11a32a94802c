// tRPC building blocks: the request context and the procedure helpers every router uses.
// Routers stay thin: validation by zod, behaviour in the cluster/engine.

import { initTRPC, TRPCError } from '@trpc/server';
import type { EmbeddedCluster } from './cluster/embedded-cluster';

export interface Context {
  readonly cluster: EmbeddedCluster | undefined;
}

const t = initTRPC.context<Context>().create();

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;

/** A procedure that needs the running cluster; answers SERVICE_UNAVAILABLE while it starts. */
export const clusterProcedure = t.procedure.use(({ ctx, next }) => {
  const cluster = ctx.cluster;
  if (cluster === undefined) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the cluster is starting' });
  return next({ ctx: { cluster } });
});
