// NVMe drives of every node: health from the drive model, fault drills (fail, slow, error-prone,
// clear), replacement, re-protection windows and the cluster's mean time to data loss.
import { z } from 'zod';
import { MAX_INJECTED_LATENCY_MS } from '../../engine/drives/drive-model';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';
import type { Session } from '../auth/sessions';
import type { Context } from '../trpc';
import { clusterProcedure, operatorProcedure, router } from '../trpc';
import { audited } from './topology';
import { copiesHeldByVn, pendingCopiesByVn, pendingCopiesOfDrive } from '../cluster/drive-rebuild';

const driveId = z.string().regex(/^node-\d{1,3}\/drive-\d{1,2}$/, 'must look like node-1/drive-0').max(32);
const fault = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('failed') }),
  z.object({ mode: z.literal('slow'), extraLatencyMs: z.number().int().min(1).max(MAX_INJECTED_LATENCY_MS) }),
  z.object({ mode: z.literal('errors'), errorProbability: z.number().min(0.0001).max(1) }),
  z.object({ mode: z.literal('none') }),
]);

type Ctx = Context & { cluster: EmbeddedCluster; session: Session };

export const drivesRouter = router({
  /** Each drive's view, with the copies the running operation still makes onto its VNs. */
  list: clusterProcedure.query(({ ctx }) => {
    const state = ctx.cluster.controllerState();
    const pending = pendingCopiesByVn(state);
    const held = copiesHeldByVn(state);
    return ctx.cluster.driveViews().map((view) => ({
      ...view,
      copiesToRebuild: pendingCopiesOfDrive(pending, view.vnIds),
      copiesHeld: pendingCopiesOfDrive(held, view.vnIds),
    }));
  }),
  mttdl: clusterProcedure.query(({ ctx }) => ({ estimate: ctx.cluster.mttdl(), rebuilds: ctx.cluster.rebuilds.windows() })),
  inject: operatorProcedure.input(z.object({ driveId, fault })).mutation(({ ctx, input }) =>
    audited(ctx as Ctx, `drive.${input.fault.mode}`, input, async () => {
      await ctx.cluster.injectDriveFault(input.driveId, input.fault.mode === 'none' ? null : input.fault);
      return { ok: true as const };
    })),
  replace: operatorProcedure.input(z.object({ driveId })).mutation(({ ctx, input }) =>
    audited(ctx as Ctx, 'drive.replace', input, async () => { await ctx.cluster.replaceDrive(input.driveId, ctx.session.user); return { ok: true as const }; })),
});
