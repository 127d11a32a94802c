// Process-wide counts of what went wrong at the HTTP edge, exported at /metrics:
//   tessera_http_handler_errors_total{route}  a handler threw or rejected (answered 500)
//   tessera_unhandled_errors_total{kind}      an error reached process.on('uncaughtException' |
//                                             'unhandledRejection'): a bug, logged loudly
//   tessera_http_refused_total{reason}        requests refused by a limit (413, 400, 408, 429, 503)
// Kept in plain maps so the process handlers, installed before any metrics registry exists,
// count too.

import { Counter, type Registry } from 'prom-client';

const handlerErrors = new Map<string, number>();
const unhandled = new Map<string, number>();
const refused = new Map<string, number>();

function bump(map: Map<string, number>, label: string): void {
  map.set(label, (map.get(label) ?? 0) + 1);
}

export function countHandlerError(route: string): void {
  bump(handlerErrors, route);
}

export function countUnhandledError(kind: 'uncaughtException' | 'unhandledRejection'): void {
  bump(unhandled, kind);
}

export function countRefusal(reason: string): void {
  bump(refused, reason);
}

/** Total unhandled errors so far (tests). */
export function unhandledErrorCount(): number {
  return [...unhandled.values()].reduce((a, b) => a + b, 0);
}

function counterFrom(registry: Registry, name: string, help: string, label: string, values: Map<string, number>, alwaysZero: readonly string[]): void {
  new Counter({
    name, help, labelNames: [label], registers: [registry],
    collect() {
      this.reset();
      for (const key of alwaysZero) this.inc({ [label]: key }, 0);
      for (const [key, count] of values) this.inc({ [label]: key }, count);
    },
  });
}

/** Adds the three counters to a metrics registry. */
export function registerEdgeErrorMetrics(registry: Registry): void {
  counterFrom(registry, 'tessera_http_handler_errors_total', 'HTTP handlers that threw or rejected (answered 500)', 'route', handlerErrors, []);
  counterFrom(registry, 'tessera_unhandled_errors_total', 'errors that reached the process uncaughtException/unhandledRejection handlers', 'kind', unhandled, ['uncaughtException', 'unhandledRejection']);
  counterFrom(registry, 'tessera_http_refused_total', 'HTTP requests refused by a limit', 'reason', refused, []);
}
