// Sign in and out. The browser gets an HttpOnly cookie; the CLI asks for the token itself
// (`as: 'token'`) and sends it as a bearer token.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { clearedSessionCookie, sessionCookie } from '../auth/auth-service';
import { publicProcedure, router } from '../trpc';

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256), as: z.enum(['cookie', 'token']).default('cookie') }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.auth === undefined) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the server is starting' });
      const result = await ctx.auth.login(input.username, input.password, ctx.address);
      if (!result.ok) {
        if (result.reason === 'limited') throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many failed sign-ins: try again in ${result.retryAfterSeconds} s` });
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
      }
      if (input.as === 'cookie') ctx.res?.setHeader('set-cookie', sessionCookie(result.token, false));
      return { user: result.account.name, role: result.account.role, ...(input.as === 'token' ? { token: result.token } : {}) };
    }),
  logout: publicProcedure.mutation(({ ctx }) => {
    if (ctx.credentials.token !== null && ctx.auth !== undefined) {
      ctx.auth.sessions.revoke(ctx.credentials.token);
      ctx.auth.audit({ action: 'logout', user: ctx.session?.user ?? null, address: ctx.address });
    }
    ctx.res?.setHeader('set-cookie', clearedSessionCookie());
    return { ok: true };
  }),
  me: publicProcedure.query(({ ctx }) => (ctx.session === undefined ? null : { user: ctx.session.user, role: ctx.session.role })),
});
