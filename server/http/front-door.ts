// What every request passes before its route's handler: the handler runs inside safeHandler (a
// failure is a 500, never a crash), the in-flight bounds (Admission), and the declared body size
// against the route's limit, all decided from the headers before a byte of the body is read.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Admission } from './admission';
import { declaredLengthProblem, refuseRestOfBody } from './body';
import { API_PREFIX } from './data-api';
import { countRefusal } from './error-counters';
import { CONSOLE_BODY_BYTES_MAX, DATA_API_JSON_BYTES_MAX, OBJECT_VALUE_BYTES_MAX } from './limits';
import { sendProblem, TRPC_PATH_PREFIX } from './problem';
import { safeHandler, type Handler } from './safe-handler';
import { trpcBodyLimit, trpcCallsOf } from './trpc-guard';

export type RouteName = 'healthz' | 'metrics' | 'trpc' | 'data' | 'console';

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

export function routeOf(req: IncomingMessage): RouteName {
  const path = pathOf(req);
  if (path === '/healthz') return 'healthz';
  if (path === '/metrics') return 'metrics';
  if (path.startsWith(TRPC_PATH_PREFIX)) return 'trpc';
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return 'data';
  return 'console';
}

const OBJECT_PATH = /^\/[^/]+\/objects\/.+$/;

/** The most body bytes a request may send to its route (0: the route takes no body). */
export function bodyLimitOf(req: IncomingMessage, route: RouteName): number {
  switch (route) {
    case 'healthz':
    case 'metrics':
      return 0;
    case 'trpc':
      return req.method === 'POST' ? trpcBodyLimit(trpcCallsOf(req) ?? []) : 0;
    case 'data': {
      const rest = pathOf(req).slice(API_PREFIX.length);
      if (req.method === 'PUT' && OBJECT_PATH.test(rest)) return OBJECT_VALUE_BYTES_MAX;
      if (req.method === 'POST' && (rest === '' || rest === '/')) return DATA_API_JSON_BYTES_MAX;
      return 0;
    }
    case 'console':
      return CONSOLE_BODY_BYTES_MAX;
  }
}

/** Wraps the server's request handler with the checks every route shares. */
export function frontDoor(handler: Handler, admission = new Admission()): (req: IncomingMessage, res: ServerResponse) => void {
  return safeHandler(routeOf, (req, res) => {
    const refused = admission.admit(req, res);
    if (refused !== null) {
      countRefusal(refused.status === 429 ? 'client_in_flight' : 'server_in_flight');
      refuseRestOfBody(req, res);
      sendProblem(req, res, refused);
      return;
    }
    const tooLarge = declaredLengthProblem(req, bodyLimitOf(req, routeOf(req)), 'body');
    if (tooLarge !== null) {
      countRefusal('body_too_large');
      refuseRestOfBody(req, res);
      sendProblem(req, res, tooLarge);
      return;
    }
    return handler(req, res);
  });
}
