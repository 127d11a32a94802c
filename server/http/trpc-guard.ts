// The cheap checks in front of tRPC, all made before a byte of the body is read: the method, the
// number of calls in a batch, a valid session for every procedure but sign-in / sign-out / me,
// and the declared body size. Then the body is read within its limit (sign-in has a smaller one)
// and handed to tRPC as a string, so tRPC never reads the socket itself.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialsOf, type AuthService } from '../auth/auth-service';
import { refuseRestOfBody, readBodyWithin } from './body';
import { countRefusal } from './error-counters';
import { SIGN_IN_BODY_BYTES_MAX, TRPC_BATCH_CALLS_MAX, TRPC_BODY_BYTES_MAX } from './limits';
import { sendProblem, TRPC_PATH_PREFIX, type HttpProblem } from './problem';
import type { Handler } from './safe-handler';

/** Procedures a caller without a session may call. */
export const PUBLIC_PROCEDURES: ReadonlySet<string> = new Set(['auth.login', 'auth.logout', 'auth.me']);
export const SIGN_IN_PROCEDURE = 'auth.login';

/** The procedures a tRPC request calls, as tRPC itself will read them; null if the path is malformed. */
export function trpcCallsOf(req: IncomingMessage): string[] | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname.slice(TRPC_PATH_PREFIX.length));
  } catch {
    return null;
  }
  return url.searchParams.get('batch') === '1' ? path.split(',') : [path];
}

/** The body limit of a tRPC request: a request that signs in gets the sign-in limit. */
export function trpcBodyLimit(calls: readonly string[]): number {
  return calls.includes(SIGN_IN_PROCEDURE) ? SIGN_IN_BODY_BYTES_MAX : TRPC_BODY_BYTES_MAX;
}

function precheck(req: IncomingMessage, auth: AuthService | undefined): { problem: HttpProblem; reason: string } | { calls: string[] } {
  if (req.method !== 'GET' && req.method !== 'POST') return { problem: { status: 405, code: 'MethodNotAllowed', field: 'method', message: `method: tRPC takes GET (queries) and POST (mutations), not ${req.method ?? ''}` }, reason: 'method' };
  const calls = trpcCallsOf(req);
  if (calls === null) return { problem: { status: 400, code: 'InvalidArgument', field: 'path', message: 'path: invalid percent-encoding' }, reason: 'malformed' };
  if (calls.length > TRPC_BATCH_CALLS_MAX) return { problem: { status: 400, code: 'InvalidArgument', field: 'batch', limit: TRPC_BATCH_CALLS_MAX, message: `batch: ${calls.length} calls in one request is over the limit of ${TRPC_BATCH_CALLS_MAX}` }, reason: 'batch_too_large' };
  if (calls.some((call) => !PUBLIC_PROCEDURES.has(call))) {
    if (auth === undefined) return { problem: { status: 503, code: 'Unavailable', message: 'the server is starting' }, reason: 'starting' };
    if (auth.authenticate(credentialsOf(req, auth.cookieName), req.socket.remoteAddress ?? 'unknown') === undefined) return { problem: { status: 401, code: 'Unauthorized', field: 'session', message: 'sign in first' }, reason: 'no_session' };
  }
  return { calls };
}

/** Checks, then reads the body within its limit, then hands the request to tRPC. */
export async function guardTrpc(req: IncomingMessage, res: ServerResponse, auth: AuthService | undefined, trpc: Handler): Promise<void> {
  const checked = precheck(req, auth);
  if ('problem' in checked) {
    countRefusal(checked.reason);
    refuseRestOfBody(req, res);
    sendProblem(req, res, checked.problem);
    return;
  }
  if (req.method === 'POST') {
    const read = await readBodyWithin(req, trpcBodyLimit(checked.calls), 'body');
    if (!read.ok) {
      countRefusal(read.problem.status === 408 ? 'body_timeout' : read.problem.status === 413 ? 'body_too_large' : 'body_cut');
      refuseRestOfBody(req, res);
      sendProblem(req, res, read.problem);
      return;
    }
    // tRPC takes a body already read from `req.body` (node-http adapter, createBody).
    (req as IncomingMessage & { body?: string }).body = read.body.toString('utf8');
  }
  await trpc(req, res);
}
