// Growing and shrinking the cluster: scale-out (with a preview of the moves), decommission,
// rebalance, and the long-running operations they start (progress, cancel). Every change goes
// through the controller and the audit log.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { TOPOLOGY_LIMITS } from '../../engine/topology/topology';
import { ControllerError, SCALE_OUT_NODES_MAX, type EmbeddedCluster } from '../cluster/embedded-cluster';
import type { Session } from '../auth/sessions';
import type { Context } from '../trpc';
import { previewRebalance } from '../cluster/rebalance-preview';
import { clusterProcedure, operatorProcedure, router } from '../trpc';

const L = TOPOLOGY_LIMITS;
/** The largest drive a scale-out may declare (1 PB): beyond that it is a typo. */
export const DRIVE_CAPACITY_BYTES_MAX = 1e15;
export const DEFAULT_DRIVE_CAPACITY_BYTES = 3_840_000_000_000;

const shape = z.object({
  nodes: z.number().int().min(1).max(SCALE_OUT_NODES_MAX),
  vnsPerNode: z.number().int().min(L.vnsPerNodeMin).max(L.vnsPerNodeMax).default(4),
  drivesPerNode: z.number().int().min(L.drivesPerNodeMin).max(L.drivesPerNodeMax).default(4),
  driveCapacityBytes: z.number().int().min(1_000_000_000).max(DRIVE_CAPACITY_BYTES_MAX).default(DEFAULT_DRIVE_CAPACITY_BYTES),
});
const nodeId = z.string().regex(/^node-\d{1,3}$/, 'must look like node-4').max(16);
const operationId = z.string().regex(/^op-\d{1,12}$/, 'must look like op-42');
const reason = z.string().trim().min(1).max(200).default('operator request');

type Ctx = Context & { cluster: EmbeddedCluster; session: Session };

const CODE_OF: Readonly<Record<string, 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST' | 'TIMEOUT' | 'INTERNAL_SERVER_ERROR'>> = {
  NotFound: 'NOT_FOUND', Conflict: 'CONFLICT', InvalidArgument: 'BAD_REQUEST', PlacementFailed: 'BAD_REQUEST', Timeout: 'TIMEOUT',
  InvalidCommand: 'BAD_REQUEST', ApplyError: 'INTERNAL_SERVER_ERROR',
};

/** Runs an operator action, audits it, and turns a refusal into a tRPC error naming the field. */
export async function audited<T>(ctx: Ctx, action: string, args: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    ctx.auth?.audit({ action, user: ctx.session.user, address: ctx.address, args, result: 'ok' });
    return result;
  } catch (error) {
    const code = error instanceof ControllerError ? error.code : 'Internal';
    const message = error instanceof Error ? error.message : String(error);
    ctx.auth?.audit({ action, user: ctx.session.user, address: ctx.address, args, result: `${code}: ${message}` });
    throw new TRPCError({ code: CODE_OF[code] ?? 'SERVICE_UNAVAILABLE', message });
  }
}

export const topologyRouter = router({
  /** Moves a scale-out would make, before the operator confirms it. */
  scaleOutPreview: clusterProcedure.input(shape).query(({ ctx, input }) => ctx.cluster.previewScaleOut(input)),
  /** Moves a rebalance would make now, before the operator confirms it. */
  rebalancePreview: clusterProcedure.query(({ ctx }) => previewRebalance(ctx.cluster.controllerState(), Date.now())),
  scaleOut: operatorProcedure.input(shape).mutation(({ ctx, input }) =>
    audited(ctx, 'scale-out', input, () => ctx.cluster.scaleOut({ ...input, actor: ctx.session.user }))),
  decommission: operatorProcedure.input(z.object({ nodeId })).mutation(({ ctx, input }) =>
    audited(ctx, 'decommission', input, () => ctx.cluster.decommission(input.nodeId, ctx.session.user))),
  rebalance: operatorProcedure.input(z.object({ reason })).mutation(({ ctx, input }) =>
    audited(ctx, 'rebalance', input, async () => { await ctx.cluster.rebalance(ctx.session.user, input.reason); return { ok: true as const }; })),
  cancel: operatorProcedure.input(z.object({ operationId, reason })).mutation(({ ctx, input }) =>
    audited(ctx, 'operation.cancel', input, async () => { await ctx.cluster.cancelOperation(input.operationId, ctx.session.user, input.reason); return { ok: true as const }; })),
  /** The running operation first, then the recent ones, with progress. */
  operations: clusterProcedure.query(({ ctx }) => ctx.cluster.operationViews()),
});
