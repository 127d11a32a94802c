// Every HTTP handler runs inside `safeHandler`: a throw or a rejection becomes a coded 500 JSON
// answer, a log line and a count (tessera_http_handler_errors_total{route}), and the response
// always ends. No handler error reaches the process-level handlers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { countHandlerError } from './error-counters';
import { sendProblem } from './problem';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export function logLine(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

/** Logs and counts a handler failure that has been answered already (tRPC answers its own 500s). */
export function logHandlerError(route: string, what: string, error: unknown): void {
  countHandlerError(route);
  logLine(`ERROR handler ${route} failed on ${what.slice(0, 200)}: ${describe(error)}`);
}

/** Logs and counts a handler failure, and answers 500 if the answer has not started. */
export function reportHandlerError(route: string, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  logHandlerError(route, `${req.method ?? '?'} ${req.url ?? ''}`, error);
  try {
    sendProblem(req, res, { status: 500, code: 'Internal', message: 'internal error (logged on the server)' });
  } catch {
    res.destroy();
  }
}

/** Runs `handler`, turning a throw or a rejection into a 500 for `route`. */
export function safeHandler(route: string | ((req: IncomingMessage) => string), handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const routeOf = (): string => (typeof route === 'string' ? route : route(req));
    try {
      const result = handler(req, res);
      if (result !== undefined) result.catch((error: unknown) => reportHandlerError(routeOf(), req, res, error));
    } catch (error) {
      reportHandlerError(routeOf(), req, res, error);
    }
  };
}
