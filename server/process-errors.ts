// The last line of defence of the server process (`tessera start`): an error no handler caught
// is logged loudly and counted in tessera_unhandled_errors_total{kind}, and the process keeps
// serving, because one bad request must not take down every node of the embedded cluster. A
// count above 0 is a bug to report: the hostile-input suite (server/hostile.test.ts) proves no
// known path reaches here.

import { countUnhandledError } from './http/error-counters';
import { logLine } from './http/safe-handler';

let installed = false;

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

export function installProcessErrorHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (error) => {
    countUnhandledError('uncaughtException');
    logLine(`ERROR uncaught exception (kept running; please report): ${describe(error)}`);
  });
  process.on('unhandledRejection', (reason) => {
    countUnhandledError('unhandledRejection');
    logLine(`ERROR unhandled rejection (kept running; please report): ${describe(reason)}`);
  });
}
