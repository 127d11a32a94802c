// The whole tRPC API: one router per domain.
import { router } from '../trpc';
import { clusterRouter } from './cluster';
import { controlPlaneRouter } from './control-plane';
import { eventsRouter } from './events';
import { slicesRouter } from './slices';
import { drivesRouter } from './drives';
import { nodesRouter } from './nodes';

export const appRouter = router({
  cluster: clusterRouter,
  nodes: nodesRouter,
  drives: drivesRouter,
  slices: slicesRouter,
  events: eventsRouter,
  controlPlane: controlPlaneRouter,
});

export type AppRouter = typeof appRouter;
