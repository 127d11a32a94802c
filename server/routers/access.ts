// Users & access (admins only): API tokens (created with the secret shown once, listed,
// revoked), console accounts (create, role, password reset, disable), sessions (list, revoke)
// and the audit log (filter, export). Every change is audited with its arguments and result.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { CONTAINER_NAME_PATTERN } from '../../engine/controller/apply';
import { AccountError, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, ROLES } from '../auth/accounts';
import { AUDIT_QUERY_LIMIT_MAX, auditToCsv } from '../auth/audit-log';
import type { AuthService } from '../auth/auth-service';
import type { Session } from '../auth/sessions';
import { TOKEN_EXPIRY_DAYS_MAX, TokenError } from '../auth/tokens';
import { accessProcedure, router, type Context } from '../trpc';

const role = z.enum(ROLES as unknown as ['viewer', 'operator', 'admin']);
const userName = z.string().min(1).max(64);
const password = z.string().min(PASSWORD_MIN_CHARS).max(PASSWORD_MAX_CHARS);
const auditFilter = z.object({
  action: z.string().max(64).optional(),
  actor: z.string().max(80).optional(),
  result: z.string().max(64).optional(),
  text: z.string().max(200).optional(),
  fromMs: z.number().int().nonnegative().optional(),
  toMs: z.number().int().nonnegative().optional(),
});

type Ctx = Context & { auth: AuthService; session: Session };

/** Runs an access change, audits it, and maps store errors to tRPC codes naming the field. */
async function changed<T>(ctx: Ctx, action: string, args: Record<string, unknown>, run: () => T | Promise<T>): Promise<T> {
  try {
    const result = await run();
    ctx.auth.audit({ action, user: ctx.session.user, address: ctx.address, args, result: 'ok' });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.auth.audit({ action, user: ctx.session.user, address: ctx.address, args, result: `refused: ${message}` });
    if (error instanceof AccountError || error instanceof TokenError) throw new TRPCError({ code: error.code, message });
    if (error instanceof Error && error.name === 'HashQueueFull') throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message });
    throw error;
  }
}

function filterOf(input: z.infer<typeof auditFilter>) {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

export const accessRouter = router({
  tokens: accessProcedure.query(({ ctx }) => ctx.auth.tokens.list()),
  /** The answer carries the secret as `token`: the only time anyone sees it. */
  createToken: accessProcedure
    .input(z.object({
      name: z.string().min(1).max(64),
      role,
      container: z.string().regex(CONTAINER_NAME_PATTERN, 'must be a container name').nullable().default(null),
      expiresInDays: z.number().int().min(1).max(TOKEN_EXPIRY_DAYS_MAX).nullable().default(null),
    }))
    .mutation(({ ctx, input }) => changed(ctx, 'token.create', input, () => {
      const { secret, token } = ctx.auth.tokens.create({ ...input, createdBy: ctx.session.user });
      return { ...token, token: secret };
    })),
  revokeToken: accessProcedure.input(z.object({ token: z.string().min(1).max(64) })).mutation(({ ctx, input }) =>
    changed(ctx, 'token.revoke', { id: input.token }, () => ctx.auth.tokens.revoke(input.token))),

  users: accessProcedure.query(({ ctx }) => ctx.auth.accounts.list()),
  createUser: accessProcedure.input(z.object({ name: userName, role, password })).mutation(({ ctx, input }) =>
    changed(ctx, 'user.create', { name: input.name, role: input.role }, async () => {
      const account = await ctx.auth.accounts.create(input.name, input.role, input.password);
      return { name: account.name, role: account.role, createdAt: account.createdAt, disabled: false };
    })),
  setRole: accessProcedure.input(z.object({ name: userName, role })).mutation(({ ctx, input }) =>
    changed(ctx, 'user.role', input, () => {
      const view = ctx.auth.accounts.setRole(input.name, input.role);
      // A session carries the role it signed in with: end them so the new role applies now.
      ctx.auth.sessions.revokeUser(input.name);
      return view;
    })),
  resetPassword: accessProcedure.input(z.object({ name: userName, password })).mutation(({ ctx, input }) =>
    changed(ctx, 'user.password', { name: input.name }, async () => {
      await ctx.auth.accounts.setPassword(input.name, input.password);
      return { ok: true as const, sessionsRevoked: ctx.auth.sessions.revokeUser(input.name) };
    })),
  setDisabled: accessProcedure.input(z.object({ name: userName, disabled: z.boolean() })).mutation(({ ctx, input }) =>
    changed(ctx, input.disabled ? 'user.disable' : 'user.enable', input, () => {
      const view = ctx.auth.accounts.setDisabled(input.name, input.disabled);
      if (input.disabled) ctx.auth.sessions.revokeUser(input.name);
      return view;
    })),

  sessions: accessProcedure.query(({ ctx }) => ctx.auth.sessions.list().map((s) => ({ ...s, current: s.id === ctx.session.id }))),
  revokeSession: accessProcedure.input(z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a session id') })).mutation(({ ctx, input }) =>
    changed(ctx, 'session.revoke', input, () => {
      const revoked = ctx.auth.sessions.revokeId(input.id);
      if (revoked === undefined) throw new AccountError('NOT_FOUND', `id: no live session ${input.id}`);
      return { ok: true as const, user: revoked.user };
    })),

  audit: accessProcedure
    .input(auditFilter.extend({ limit: z.number().int().min(1).max(AUDIT_QUERY_LIMIT_MAX).default(200) }))
    .query(({ ctx, input }) => {
      const { limit, ...filter } = input;
      return ctx.auth.auditLog.query(filterOf(filter), limit);
    }),
  auditExport: accessProcedure
    .input(auditFilter.extend({ format: z.enum(['csv', 'json']) }))
    .query(({ ctx, input }) => {
      const { format, ...filter } = input;
      const { entries, truncated } = ctx.auth.auditLog.query(filterOf(filter), AUDIT_QUERY_LIMIT_MAX);
      const ordered = [...entries].reverse();
      return { format, truncated, content: format === 'csv' ? auditToCsv(ordered) : ordered.map((e) => JSON.stringify(e)).join('\n') };
    }),
});
