// The whole tRPC API: one router per domain.
import { router } from '../trpc';
import { clusterRouter } from './cluster';
import { drivesRouter } from './drives';
import { nodesRouter } from './nodes';

export const appRouter = router({
  cluster: clusterRouter,
  nodes: nodesRouter,
  drives: drivesRouter,
});

export type AppRouter = typeof appRouter;
