// A refusal the HTTP layer answers itself (limits, timeouts, handler failures), in the shape the
// caller understands: tRPC's error envelope under /api/trpc/ (so the console's and the CLI's
// tRPC clients read `error.data.code` and `error.message` as usual), and the data API's
// {"error":{"code","message"}} everywhere else. Both carry the field and the limit.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RETRY_AFTER_SECONDS } from './limits';

export const TRPC_PATH_PREFIX = '/api/trpc/';

export interface HttpProblem {
  readonly status: 400 | 401 | 405 | 408 | 413 | 429 | 500 | 503;
  /** The data API's code, e.g. TooLarge. */
  readonly code: string;
  /** The input at fault, e.g. `body`, `prefix`, `batch`. */
  readonly field?: string;
  /** The limit that was passed, in the unit the message names. */
  readonly limit?: number;
  readonly message: string;
}

/** tRPC's code for each status we answer (TRPC_ERROR_CODES_BY_KEY). */
const TRPC_CODE: Readonly<Record<HttpProblem['status'], readonly [string, number]>> = {
  400: ['BAD_REQUEST', -32600], 401: ['UNAUTHORIZED', -32001], 405: ['METHOD_NOT_SUPPORTED', -32005],
  408: ['TIMEOUT', -32008], 413: ['PAYLOAD_TOO_LARGE', -32013], 429: ['TOO_MANY_REQUESTS', -32029],
  500: ['INTERNAL_SERVER_ERROR', -32603], 503: ['SERVICE_UNAVAILABLE', -32603],
};

export function isTrpcRequest(req: IncomingMessage): boolean {
  return (req.url ?? '/').startsWith(TRPC_PATH_PREFIX);
}

export function problemBody(problem: HttpProblem, trpc: boolean): unknown {
  const detail = { ...(problem.field === undefined ? {} : { field: problem.field }), ...(problem.limit === undefined ? {} : { limit: problem.limit }) };
  if (!trpc) return { error: { code: problem.code, message: problem.message, ...detail } };
  const [name, jsonRpcCode] = TRPC_CODE[problem.status];
  return { error: { message: problem.message, code: jsonRpcCode, data: { code: name, httpStatus: problem.status, ...detail } } };
}

/**
 * Answers the problem unless an answer has already started (then the connection is cut, the
 * only way left to tell the client it failed). Always ends the response.
 */
export function sendProblem(req: IncomingMessage, res: ServerResponse, problem: HttpProblem, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const retry = problem.status === 429 || problem.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
  res.writeHead(problem.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...retry, ...extraHeaders });
  res.end(JSON.stringify(problemBody(problem, isTrpcRequest(req))));
}
