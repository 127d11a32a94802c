// NVMe drives of every node.
import { clusterProcedure, router } from '../trpc';

export const drivesRouter = router({
  list: clusterProcedure.query(({ ctx }) => ctx.cluster.overview().nodes.flatMap((n) => n.drives.map((d) => ({ ...d, nodeId: n.id })))),
});
