// The Raft group behind the controller: members, leader, term, commit/applied index, log size.
import { clusterProcedure, router } from '../trpc';

export const controlPlaneRouter = router({
  status: clusterProcedure.query(({ ctx }) => ctx.cluster.raftStatuses()),
});
