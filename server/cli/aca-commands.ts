// `tessera aca`: run an Active Cluster Arbitrator instance, and read or change what the
// instances say. A change goes to every instance (repeat --server) at the next generation and
// succeeds when a majority took it. The ACA token comes from a file (start) or from
// TESSERA_ACA_TOKEN (set): a flag would show it in `ps`.

import { readFileSync } from 'node:fs';
import { REGION_ID_PATTERN } from '../../engine/region/aca-answer';
import { majorityView, pollAll, setActive } from '../region/aca-client';
import { startAcaServer } from '../region/aca-server';
import { intFlag, parseFlags, stringFlag, UsageError } from './args';
import { connect, OperatorError, type Output } from './operator';

export const ACA_USAGE = `tessera aca start --state-file F [--port N] [--host H] [--instance NAME] [--watch FILE] [--token-file F] [--active R --secondary R]
  tessera aca status --server URL [--server URL ...] [--json]
  tessera aca set --active REGION [--secondary REGION] --server URL [--server URL ...] [--planned --from URL]
      (ACA token in TESSERA_ACA_TOKEN; --planned fences the active region at --from first, with an admin API token in TESSERA_TOKEN)`;

export const ACA_TOKEN_ENV = 'TESSERA_ACA_TOKEN';
export const ACA_PORT_DEFAULT = 3010;

/** Every `--server` given (the flag repeats), and the other arguments. */
function takeServers(argv: readonly string[]): { servers: string[]; rest: string[] } {
  const servers: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--server') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new UsageError('--server needs a value');
      servers.push(value);
    } else if (arg.startsWith('--server=')) servers.push(arg.slice('--server='.length));
    else rest.push(arg);
  }
  for (const server of servers) {
    try {
      new URL(server);
    } catch {
      throw new UsageError(`--server must be a URL such as http://127.0.0.1:${ACA_PORT_DEFAULT}, got ${server}`);
    }
  }
  return { servers, rest };
}

function regionFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !REGION_ID_PATTERN.test(value)) throw new UsageError(`--${name} must be a region id (${REGION_ID_PATTERN.source}), got ${String(value)}`);
  return value;
}

export async function runAcaCommand(argv: readonly string[], out: Output): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === 'start') {
    const { flags } = parseFlags(args, { 'state-file': 'string', port: 'string', host: 'string', instance: 'string', watch: 'string', 'token-file': 'string', active: 'string', secondary: 'string' });
    const stateFile = flags.get('state-file');
    if (typeof stateFile !== 'string') throw new UsageError('aca start needs --state-file F (where the instance keeps its answer)');
    const active = regionFlag(flags, 'active');
    const secondary = regionFlag(flags, 'secondary');
    if ((active === undefined) !== (secondary === undefined)) throw new UsageError('--active and --secondary go together');
    if (active !== undefined && active === secondary) throw new UsageError('--secondary must differ from --active');
    const tokenFile = flags.get('token-file');
    const token = typeof tokenFile === 'string' ? readFileSync(tokenFile, 'utf8').trim() : undefined;
    if (token !== undefined && token.length < 16) throw new UsageError(`--token-file: the token must be 16 characters or more, got ${token.length}`);
    const port = intFlag(flags, 'port', ACA_PORT_DEFAULT, 0, 65_535);
    const instance = stringFlag(flags, 'instance', `aca-${port}`);
    const watch = flags.get('watch');
    const server = await startAcaServer({
      instance, host: stringFlag(flags, 'host', '127.0.0.1'), port, stateFile, log: out,
      ...(typeof watch === 'string' ? { watchFile: watch } : {}),
      ...(token === undefined ? {} : { token }),
      ...(active !== undefined && secondary !== undefined ? { initial: { active, secondary, generation: 1 } } : {}),
    });
    const answer = server.current();
    out(`aca ${instance} serving ${server.url}/v1/aca: generation ${answer.generation}, active ${answer.active}, secondary ${answer.secondary}${token === undefined ? ' (read-only over HTTP: no --token-file)' : ''}`);
    await new Promise<void>((resolve) => {
      const stop = (): void => { void server.close().then(resolve); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  }
  const { servers, rest } = takeServers(args);
  if (sub === 'status') {
    const { flags } = parseFlags(rest, { json: 'boolean' });
    if (servers.length === 0) throw new UsageError('aca status needs --server URL for every instance');
    const answers = await pollAll(servers);
    const view = majorityView(answers);
    if (flags.has('json')) {
      out(JSON.stringify({ instances: answers, majority: view.kind === 'adopt' ? view.answer : null }));
    } else {
      for (const a of answers) out(`${a.url}  ${a.answer === null ? `no answer (${a.error ?? ''})` : `generation ${a.answer.generation}: active ${a.answer.active}, secondary ${a.answer.secondary}`}`);
      out(view.kind === 'adopt' ? `majority: generation ${view.answer.generation}, active ${view.answer.active}` : `majority: none (${view.detail}): regions keep what they have`);
    }
    return view.kind === 'adopt' ? 0 : 1;
  }
  if (sub === 'set') {
    const { flags } = parseFlags(rest, { active: 'string', secondary: 'string', planned: 'boolean', from: 'string' });
    const active = regionFlag(flags, 'active');
    if (active === undefined) throw new UsageError('aca set needs --active REGION');
    if (servers.length === 0) throw new UsageError('aca set needs --server URL for every instance');
    const token = process.env[ACA_TOKEN_ENV];
    if (token === undefined || token === '') throw new OperatorError(`set ${ACA_TOKEN_ENV} to the ACA token the instances were started with`);
    const current = majorityView(await pollAll(servers));
    const secondary = regionFlag(flags, 'secondary') ?? (current.kind === 'adopt' ? (current.answer.active === active ? current.answer.secondary : current.answer.active) : undefined);
    if (secondary === undefined) throw new UsageError('--secondary is needed: the instances give no majority answer to take it from');
    if (secondary === active) throw new UsageError('--secondary must differ from --active');
    let handoffFrom: { fencedGeneration: number } | undefined;
    if (flags.has('planned')) {
      const from = flags.get('from');
      if (typeof from !== 'string') throw new UsageError('--planned needs --from URL: the active region\'s server, which fences itself first');
      const api = await connect(from, 'admin');
      const fenced = await api.mutate<{ generation: number; writesDrained: number; writesStillRunning: number }>('region.fence');
      out(`${from}: fenced at generation ${fenced.generation}; ${fenced.writesDrained} write(s) drained${fenced.writesStillRunning > 0 ? `, ${fenced.writesStillRunning} still running` : ''}`);
      handoffFrom = { fencedGeneration: fenced.generation };
    }
    const result = await setActive(servers, active, secondary, token, handoffFrom === undefined ? {} : { handoffFrom }).catch((error: unknown) => { throw new OperatorError((error as Error).message); });
    out(`generation ${result.answer.generation}${result.answer.handoff === true ? ' (planned handoff: no takeover wait)' : ''}: active ${active}, secondary ${secondary}: taken by ${result.accepted.length} of ${servers.length}`);
    for (const r of result.refused) out(`  ${r.url}: ${r.error}`);
    if (!result.majority) throw new OperatorError(`only ${result.accepted.length} of ${servers.length} instances took generation ${result.answer.generation}: no majority yet; run it again when they are reachable`);
    return 0;
  }
  throw new UsageError(`aca needs start, status or set, got ${sub ?? 'nothing'}`);
}
