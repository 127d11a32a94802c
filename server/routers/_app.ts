// The whole tRPC API: one router per domain.
import { router } from '../trpc';
import { clusterRouter } from './cluster';
import { controlPlaneRouter } from './control-plane';
import { eventsRouter } from './events';
import { slicesRouter } from './slices';
import { drivesRouter } from './drives';
import { nodesRouter } from './nodes';
import { accessRouter } from './access';
import { authRouter } from './auth';
import { operationsRouter } from './operations';
import { topologyRouter } from './topology';
import { regionRouter } from './region';
import { drillsRouter } from './drills';

export const appRouter = router({
  cluster: clusterRouter,
  nodes: nodesRouter,
  drives: drivesRouter,
  slices: slicesRouter,
  events: eventsRouter,
  controlPlane: controlPlaneRouter,
  auth: authRouter,
  access: accessRouter,
  operations: operationsRouter,
  topology: topologyRouter,
  region: regionRouter,
  drills: drillsRouter,
});

export type AppRouter = typeof appRouter;
