// Data nodes and their virtual nodes.
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { clusterProcedure, router } from '../trpc';

export const nodesRouter = router({
  list: clusterProcedure.query(({ ctx }) => ctx.cluster.overview().nodes),
  get: clusterProcedure.input(z.object({ nodeId: z.string().min(1).max(64) })).query(({ ctx, input }) => {
    const node = ctx.cluster.overview().nodes.find((n) => n.id === input.nodeId);
    if (node === undefined) throw new TRPCError({ code: 'NOT_FOUND', message: `no node ${input.nodeId}` });
    return node;
  }),
});
