// Failover drills: the scenarios, running one (operators; a live drill carries the cluster's
// name typed by the operator), its progress, and the history of reports (viewers).
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { DEFAULT_WORKLOAD, DRILL_CONCURRENCY_MAX, DRILL_DURATION_MS_MAX, DRILL_DURATION_MS_MIN, DRILL_KEY_SPACE_MAX, DRILL_VALUE_BYTES_MAX, DRILL_VALUE_BYTES_MIN, SCENARIO_IDS, SCENARIOS } from '../../engine/drills/scenarios';
import { DRILL_HISTORY_MAX, DRILL_ID_PATTERN } from '../drills/drill-history';
import { DrillError, drillServiceFor } from '../drills/drill-service';
import { clusterProcedure, operatorProcedure, router } from '../trpc';

const loadInput = z.strictObject({
  concurrency: z.number().int().min(1).max(DRILL_CONCURRENCY_MAX).optional(),
  writePercent: z.number().int().min(0).max(100).optional(),
  keySpace: z.number().int().min(1).max(DRILL_KEY_SPACE_MAX).optional(),
  valueBytes: z.number().int().min(DRILL_VALUE_BYTES_MIN).max(DRILL_VALUE_BYTES_MAX).optional(),
});

const runInput = z.strictObject({
  scenario: z.enum(SCENARIO_IDS),
  mode: z.enum(['rehearsal', 'live']).default('rehearsal'),
  target: z.string().trim().max(64).nullish(),
  durationSeconds: z.number().int().min(DRILL_DURATION_MS_MIN / 1000).max(DRILL_DURATION_MS_MAX / 1000).optional(),
  seed: z.number().int().min(0).max(0x7fff_ffff).optional(),
  load: loadInput.optional(),
  confirm: z.string().max(200).optional(),
});

function asTrpc(error: unknown): never {
  if (error instanceof DrillError) throw new TRPCError({ code: error.code, message: error.message });
  throw error;
}

export const drillsRouter = router({
  /** The scenarios with their parameters and limits, and what a live drill's confirmation must name. */
  scenarios: clusterProcedure.query(({ ctx }) => {
    const state = ctx.cluster.controllerState();
    return {
      scenarios: SCENARIOS,
      defaults: DEFAULT_WORKLOAD,
      limits: { durationSecondsMin: DRILL_DURATION_MS_MIN / 1000, durationSecondsMax: DRILL_DURATION_MS_MAX / 1000, concurrencyMax: DRILL_CONCURRENCY_MAX, keySpaceMax: DRILL_KEY_SPACE_MAX, valueBytesMin: DRILL_VALUE_BYTES_MIN, valueBytesMax: DRILL_VALUE_BYTES_MAX, historyMax: DRILL_HISTORY_MAX },
      cluster: { name: ctx.cluster.manifest.name, id: ctx.cluster.manifest.clusterId },
      nodes: state.topology.nodes.map((n) => n.id),
      drives: state.topology.nodes.flatMap((n) => n.drives.map((d) => d.id)),
    };
  }),
  /** The running (or last) drill and its progress. */
  status: clusterProcedure.query(({ ctx }) => drillServiceFor(ctx.cluster).status()),
  history: clusterProcedure.query(({ ctx }) => drillServiceFor(ctx.cluster).list()),
  report: clusterProcedure.input(z.object({ id: z.string().regex(DRILL_ID_PATTERN, 'must look like drill-20260101T120000-abcdef') })).query(({ ctx, input }) => {
    try {
      return drillServiceFor(ctx.cluster).report(input.id);
    } catch (error) {
      return asTrpc(error);
    }
  }),
  run: operatorProcedure.input(runInput).mutation(({ ctx, input }) => {
    const args = { scenario: input.scenario, mode: input.mode, target: input.target ?? null, durationSeconds: input.durationSeconds ?? null, seed: input.seed ?? null, load: input.load ?? null };
    try {
      const status = drillServiceFor(ctx.cluster).start({
        scenario: input.scenario, mode: input.mode, target: input.target, durationMs: input.durationSeconds === undefined ? undefined : input.durationSeconds * 1000,
        seed: input.seed, load: input.load, confirm: input.confirm, actor: ctx.session.user,
      });
      ctx.auth?.audit({ action: 'drill.run', user: ctx.session.user, address: ctx.address, args, result: `started ${status.id}` });
      return { id: status.id, seed: status.seed, targets: status.targets };
    } catch (error) {
      ctx.auth?.audit({ action: 'drill.run', user: ctx.session.user, address: ctx.address, args, result: error instanceof Error ? error.message : 'error' });
      return asTrpc(error);
    }
  }),
});
