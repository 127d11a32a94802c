// Cluster-wide views: state, reasons, counts.
import { clusterProcedure, router } from '../trpc';

export const clusterRouter = router({
  overview: clusterProcedure.query(({ ctx }) => ctx.cluster.overview()),
});
