// Containers and their slice maps: the compact map for the heatmap, role balance per VN and the
// pairing matrix.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { allVns } from '../../engine/topology/topology';
import { compactSliceMap, pairingMatrix, vnRoles } from '../../engine/controller/slice-views';
import type { ContainerRecord, ControllerState } from '../../engine/controller/state';
import { clusterProcedure, router } from '../trpc';

const containerInput = z.object({ container: z.string().min(1).max(63) });

function mustContainer(state: ControllerState, name: string): ContainerRecord {
  const container = state.containers[name];
  if (container === undefined) throw new TRPCError({ code: 'NOT_FOUND', message: `container: no container ${name}` });
  return container;
}

export const slicesRouter = router({
  containers: clusterProcedure.query(({ ctx }) => Object.values(ctx.cluster.controllerState().containers).map((c) => ({
    name: c.name, sliceCount: c.sliceCount, seedHex: c.seedHex, mapEpoch: c.mapEpoch,
    slicesWithTwoCopies: c.slices.filter((s) => s.inSync.length >= 2).length,
    slicesWithOneCopy: c.slices.filter((s) => s.inSync.length === 1).length,
    slicesWithNoCopy: c.slices.filter((s) => s.inSync.length === 0).length,
  }))),
  map: clusterProcedure.input(containerInput).query(({ ctx, input }) => {
    const state = ctx.cluster.controllerState();
    const vnIds = allVns(state.topology).map((v) => v.id);
    return compactSliceMap(mustContainer(state, input.container), vnIds);
  }),
  roles: clusterProcedure.input(containerInput).query(({ ctx, input }) => {
    const state = ctx.cluster.controllerState();
    return vnRoles(mustContainer(state, input.container), allVns(state.topology).map((v) => v.id));
  }),
  pairing: clusterProcedure.input(containerInput).query(({ ctx, input }) => {
    const state = ctx.cluster.controllerState();
    const vnIds = allVns(state.topology).map((v) => v.id);
    return { vnIds, matrix: pairingMatrix(mustContainer(state, input.container), vnIds) };
  }),
});
