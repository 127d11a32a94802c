// The `tessera` command: dispatches subcommands and turns every known error into one clear line
// on stderr with a non-zero exit code.

import { ACA_USAGE } from './aca-commands';
import { LOCAL_REGIONS_USAGE } from './local-regions';
import { ACCESS_USAGE } from './access-commands';
import { DRILL_USAGE } from './drill-commands';
import { UsageError } from './args';
import { OPERATOR_USAGE } from './operator';
import { START_USAGE } from './start';
import { TOPOLOGY_USAGE } from './topology-commands';

const USAGE = `usage:
  ${START_USAGE}
  tessera placement --nodes N --vns-per-node V --slices S [--seed X] [--add-nodes K] [--fail-node ID] [--json]
  ${OPERATOR_USAGE}
  ${TOPOLOGY_USAGE}
  ${ACCESS_USAGE}
  ${ACA_USAGE}
  ${LOCAL_REGIONS_USAGE}
  ${DRILL_USAGE}
  tessera help`;

const KNOWN_ERRORS = new Set(['ConfigError', 'DataDirError', 'StartupError', 'UsageError', 'OperatorError', 'AcaFileError']);

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await (await import('./start')).runStart(rest);
      case 'placement':
        return await (await import('./placement')).runPlacementCli([...rest], (line: string) => process.stdout.write(`${line}\n`));
      case 'status':
      case 'node':
      case 'cluster':
      case 'settings':
      case 'events':
        return await (await import('./operator')).runOperator(command, rest, (line: string) => process.stdout.write(`${line}\n`));
      case 'scale-out':
      case 'decommission':
      case 'rebalance':
      case 'operations':
      case 'drives':
      case 'drive':
        return await (await import('./topology-commands')).runTopologyCommand(command, rest, (line: string) => process.stdout.write(`${line}\n`));
      case 'drill':
        return await (await import('./drill-commands')).runDrillCommand(rest, (line: string) => process.stdout.write(`${line}\n`));
      case 'token':
      case 'user':
      case 'sessions':
      case 'audit':
        return await (await import('./access-commands')).runAccessCommand(command, rest, (line: string) => process.stdout.write(`${line}\n`));
      case 'local':
        if (!rest.some((arg) => arg === '--regions' || arg.startsWith('--regions='))) throw new UsageError('tessera local needs --regions 2');
        return await (await import('./local-regions')).runLocalRegions(rest, (line: string) => process.stdout.write(`${line}\n`));
      case 'aca':
        return await (await import('./aca-commands')).runAcaCommand(rest, (line: string) => process.stdout.write(`${line}\n`));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (KNOWN_ERRORS.has(name)) {
      process.stderr.write(`tessera: ${(error as Error).message}\n`);
      if (name === 'UsageError') process.stderr.write(`${USAGE}\n`);
      return name === 'UsageError' ? 2 : 1;
    }
    process.stderr.write(`tessera: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
