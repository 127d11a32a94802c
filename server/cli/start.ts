// `tessera start`: runs the console and the embedded cluster until SIGINT/SIGTERM, then flushes
// and closes the drives.

import { resolve } from 'node:path';
import { DEFAULTS, startServer } from '../index';
import { installProcessErrorHandlers } from '../process-errors';
import { intFlag, parseFlags, stringFlag } from './args';

export const START_USAGE = 'tessera start [--data-dir DIR] [--port N] [--host H] [--advertise NAME,...] [--tls-cert FILE --tls-key FILE] [--config FILE] [--no-console]';

export async function runStart(argv: readonly string[]): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { 'data-dir': 'string', port: 'string', host: 'string', config: 'string', 'no-console': 'boolean', advertise: 'string', 'tls-cert': 'string', 'tls-key': 'string' });
  if (positionals.length > 0) throw new (await import('./args')).UsageError(`unexpected argument ${positionals[0] ?? ''}`);
  installProcessErrorHandlers();
  const running = await startServer({
    dataDir: resolve(stringFlag(flags, 'data-dir', DEFAULTS.dataDir)),
    port: intFlag(flags, 'port', DEFAULTS.port, 0, 65535),
    host: stringFlag(flags, 'host', DEFAULTS.host),
    configPath: resolve(stringFlag(flags, 'config', DEFAULTS.configPath)),
    withConsole: flags.get('no-console') !== true,
    advertise: stringFlag(flags, 'advertise', '').split(',').map((name) => name.trim()).filter((name) => name !== ''),
    tlsCertPath: flags.has('tls-cert') ? resolve(stringFlag(flags, 'tls-cert', '')) : undefined,
    tlsKeyPath: flags.has('tls-key') ? resolve(stringFlag(flags, 'tls-key', '')) : undefined,
  });
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${new Date().toISOString()} ${signal}: flushing drives and stopping\n`);
      void running.close().then(resolveStop, (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        resolveStop();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
