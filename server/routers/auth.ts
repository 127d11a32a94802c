// Sign in and out. The browser gets an HttpOnly cookie; the CLI asks for the token itself
// (`as: 'token'`) and sends it as a bearer token. Sign-in is never batched (one password check
// per HTTP request) and, for a cookie, obeys the same-origin rule like every mutation.
import type { IncomingMessage } from 'node:http';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { PASSWORD_MAX_CHARS } from '../auth/accounts';
import { clearedSessionCookie, csrfProblem, sessionCookie } from '../auth/auth-service';
import { publicProcedure, router, type Context } from '../trpc';

/** True when this HTTP request carries more than one tRPC call. */
export function isBatchedCall(req: IncomingMessage | undefined): boolean {
  if (req === undefined) return false;
  const path = (req.url ?? '').split('?')[0] ?? '';
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)).includes(',');
}

function browserChecks(ctx: Context, what: string): void {
  if (ctx.req === undefined) return;
  const problem = csrfProblem(ctx.req);
  if (problem !== null) {
    ctx.auth?.refused(`csrf:${what}`, { action: `refused.auth.${what}`, actor: ctx.session?.user ?? null, address: ctx.address, result: `FORBIDDEN: ${problem}` });
    throw new TRPCError({ code: 'FORBIDDEN', message: `cross-site request refused: ${problem}` });
  }
}

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(PASSWORD_MAX_CHARS), as: z.enum(['cookie', 'token']).default('cookie') }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.auth === undefined) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the server is starting' });
      if (isBatchedCall(ctx.req)) throw new TRPCError({ code: 'BAD_REQUEST', message: 'auth.login cannot be batched: send one sign-in per request' });
      if (input.as === 'cookie') browserChecks(ctx, 'login');
      const result = await ctx.auth.login(input.username, input.password, ctx.address);
      if (!result.ok) {
        if (result.reason === 'limited') throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many failed sign-ins: try again in ${result.retryAfterSeconds} s` });
        if (result.reason === 'busy') throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'sign-in is busy: too many password checks are waiting; try again in a second' });
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
      }
      if (input.as === 'cookie') ctx.res?.setHeader('set-cookie', sessionCookie(result.token, ctx.auth.secure));
      return { user: result.account.name, role: result.account.role, ...(input.as === 'token' ? { token: result.token } : {}) };
    }),
  logout: publicProcedure.mutation(({ ctx }) => {
    if (ctx.credentials.via === 'cookie') browserChecks(ctx, 'logout');
    if (ctx.credentials.token !== null && ctx.auth !== undefined) {
      const revoked = ctx.auth.sessions.revoke(ctx.credentials.token);
      if (revoked !== undefined) ctx.auth.audit({ action: 'logout', user: revoked.user, address: ctx.address, result: 'ok' });
    }
    ctx.res?.setHeader('set-cookie', clearedSessionCookie(ctx.auth?.secure ?? false));
    return { ok: true };
  }),
  me: publicProcedure.query(({ ctx }) => (ctx.session === undefined ? null : {
    user: ctx.session.user,
    role: ctx.session.role,
    /** Set when the server is reachable beyond loopback without TLS: the console shows a banner. */
    transportWarning: ctx.auth?.transportWarning ?? null,
  })),
});
