// Operator actions: cluster offline/online, node offline/online, failover drills, settings.
// Each goes through the controller (Raft) and lands in the events log with the operator as
// actor; each call is also written to the audit log with its arguments and result.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { CommandResult, ControllerCommand } from '../../engine/controller/commands';
import { SETTING_RANGES, type ClusterSettings } from '../../engine/controller/settings';
import type { Context } from '../trpc';
import { adminProcedure, clusterProcedure, operatorProcedure, router } from '../trpc';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';
import type { Session } from '../auth/sessions';

const nodeId = z.string().regex(/^node-\d{1,3}$/, 'must look like node-1').max(16);
const reason = z.string().trim().min(1).max(200).default('operator request');

const intIn = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);
const settingsInput = z.strictObject({
  autoOnlineTimeoutSeconds: intIn(SETTING_RANGES.autoOnlineTimeoutSeconds).optional(),
  heartbeatIntervalMs: intIn(SETTING_RANGES.heartbeatIntervalMs).optional(),
  failureDetectionTimeoutMs: intIn(SETTING_RANGES.failureDetectionTimeoutMs).optional(),
  degradedWritePolicy: z.enum(['accept', 'refuse']).optional(),
  rebuildThrottleMBps: intIn(SETTING_RANGES.rebuildThrottleMBps).optional(),
  autoRebalance: z.boolean().optional(),
});

type Ctx = Context & { cluster: EmbeddedCluster; session: Session };

const CODE_OF: Readonly<Record<string, 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST' | 'INTERNAL_SERVER_ERROR'>> = {
  NotFound: 'NOT_FOUND', Conflict: 'CONFLICT', InvalidSettings: 'BAD_REQUEST', InvalidCommand: 'BAD_REQUEST', ApplyError: 'INTERNAL_SERVER_ERROR',
};

/** Proposes, audits, and turns a refusal into a tRPC error naming the field. */
async function run(ctx: Ctx, action: string, args: Record<string, unknown>, command: ControllerCommand): Promise<{ ok: true }> {
  const result: CommandResult = await ctx.cluster.propose(command);
  ctx.auth?.audit({ action, user: ctx.session.user, address: ctx.address, args, result: result.ok ? 'ok' : `${result.code}: ${result.message}` });
  if (!result.ok) throw new TRPCError({ code: CODE_OF[result.code] ?? 'SERVICE_UNAVAILABLE', message: result.message });
  return { ok: true };
}

export const operationsRouter = router({
  clusterOffline: operatorProcedure.input(z.object({ reason })).mutation(({ ctx, input }) =>
    run(ctx, 'cluster.offline', input, { type: 'cluster.offline', reason: input.reason, actor: ctx.session.user, timeMs: Date.now() })),
  clusterOnline: operatorProcedure.input(z.object({ reason })).mutation(({ ctx, input }) =>
    run(ctx, 'cluster.online', input, { type: 'cluster.online', reason: input.reason, actor: ctx.session.user, timeMs: Date.now() })),
  nodeOffline: operatorProcedure.input(z.object({ nodeId, reason })).mutation(({ ctx, input }) =>
    run(ctx, 'node.offline', input, { type: 'node.offline', nodeId: input.nodeId, reason: input.reason, actor: ctx.session.user, timeMs: Date.now() })),
  /** Brings an operator-offline node back; restarts its process first if a drill stopped it. */
  nodeOnline: operatorProcedure.input(z.object({ nodeId, reason })).mutation(async ({ ctx, input }) => {
    if (!ctx.cluster.topology.nodes.some((n) => n.id === input.nodeId)) throw new TRPCError({ code: 'NOT_FOUND', message: `nodeId: no node ${input.nodeId}` });
    const restarted = !ctx.cluster.isRunning(input.nodeId);
    if (restarted) await ctx.cluster.restartNode(input.nodeId);
    const state = ctx.cluster.controllerState().nodeStates[input.nodeId];
    if (state === 'offline') return run(ctx, 'node.online', input, { type: 'node.online', nodeId: input.nodeId, reason: input.reason, actor: ctx.session.user, timeMs: Date.now() });
    ctx.auth?.audit({ action: 'node.online', user: ctx.session.user, address: ctx.address, args: input, result: restarted ? 'restarted' : `already ${state ?? 'unknown'}` });
    if (!restarted) throw new TRPCError({ code: 'CONFLICT', message: `nodeId: node ${input.nodeId} is ${state ?? 'unknown'}, not offline or failed` });
    return { ok: true as const };
  }),
  /** Failover drill: the node's process stops at once, as if it crashed. */
  nodeFail: operatorProcedure.input(z.object({ nodeId })).mutation(async ({ ctx, input }) => {
    if (!ctx.cluster.isRunning(input.nodeId)) throw new TRPCError({ code: 'CONFLICT', message: `nodeId: node ${input.nodeId} is not running` });
    await ctx.cluster.failNode(input.nodeId);
    ctx.auth?.audit({ action: 'node.fail', user: ctx.session.user, address: ctx.address, args: input, result: 'ok' });
    return { ok: true as const };
  }),
  settings: clusterProcedure.query(({ ctx }) => ctx.cluster.controllerState().settings),
  /** The controller's admin state of every node (up, down, offline, ...). */
  nodeStates: clusterProcedure.query(({ ctx }) => ctx.cluster.controllerState().nodeStates),
  setSettings: adminProcedure.input(settingsInput).mutation(({ ctx, input }) => {
    const changes: Partial<ClusterSettings> = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    if (Object.keys(changes).length === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: 'settings: give at least one setting to change' });
    return run(ctx, 'settings.set', changes, { type: 'settings.set', changes, actor: ctx.session.user, timeMs: Date.now() });
  }),
});
