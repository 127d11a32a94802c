// The region's role and the planned switchover's fence (docs/REGIONS.md). Without a `region:`
// block in cluster.yml, status says so and fence refuses.
import { TRPCError } from '@trpc/server';
import { getRegionGuard } from '../region/instance';
import { adminProcedure, clusterProcedure, router } from '../trpc';

export const regionRouter = router({
  status: clusterProcedure.query(() => getRegionGuard()?.status() ?? null),
  fence: adminProcedure.mutation(async () => {
    const guard = getRegionGuard();
    if (guard === undefined) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'this cluster has no region: block in cluster.yml' });
    const result = await guard.fenceForHandoff();
    if (!result.ok) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: result.error });
    return result;
  }),
});
