// Containers and their slice maps: the compact map for the heatmap, role balance per VN and the
// pairing matrix.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { allVns } from '../../engine/topology/topology';
import { compactSliceMap, pairingMatrix, vnRoles } from '../../engine/controller/slice-views';
import type { ContainerRecord, ControllerState } from '../../engine/controller/state';
import { clusterProcedure, router } from '../trpc';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';
import { ContainerUsageCache, copyStore, listSliceKeys, SLICE_KEYS_LIMIT_MAX, type StoreOfDrive } from '../cluster/slice-usage';

const usageCache = new ContainerUsageCache();

/** Stores of drives that can be read: of a running node, not failed. */
function readableStores(cluster: EmbeddedCluster): StoreOfDrive {
  const devices = cluster.devices();
  return (driveId) => {
    const device = devices.get(driveId);
    return device === undefined || device.failed() ? undefined : device;
  };
}

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
  /** Keys and bytes per slice (-1: unknown), from a stored copy, cached for a few seconds. */
  usage: clusterProcedure.input(containerInput).query(({ ctx, input }) => {
    const state = ctx.cluster.controllerState();
    return usageCache.get(state, mustContainer(state, input.container), readableStores(ctx.cluster), Date.now());
  }),
  /** One slice's keys in key order, from its primary's copy (or another in-sync one). */
  keys: clusterProcedure
    .input(containerInput.extend({ slice: z.number().int().nonnegative(), after: z.string().max(1024).default(''), limit: z.number().int().min(1).max(SLICE_KEYS_LIMIT_MAX).default(100) }))
    .query(({ ctx, input }) => {
      const state = ctx.cluster.controllerState();
      const container = mustContainer(state, input.container);
      if (input.slice >= container.sliceCount) throw new TRPCError({ code: 'BAD_REQUEST', message: `slice: must be in 0..${container.sliceCount - 1}` });
      const copy = copyStore(state, container, input.slice, readableStores(ctx.cluster));
      if (copy === null) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `slice ${input.slice} has no copy on a running node` });
      try {
        return { vnId: copy.vnId, ...listSliceKeys(copy.store, container.seedHex, input.slice, input.after, input.limit) };
      } catch (error) {
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `slice ${input.slice}: its copy on ${copy.vnId} cannot be read now (${(error as Error).message})` });
      }
    }),
  pairing: clusterProcedure.input(containerInput).query(({ ctx, input }) => {
    const state = ctx.cluster.controllerState();
    const vnIds = allVns(state.topology).map((v) => v.id);
    return { vnIds, matrix: pairingMatrix(mustContainer(state, input.container), vnIds) };
  }),
});
