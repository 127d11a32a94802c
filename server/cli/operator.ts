// Operator commands of `tessera`, talking to a running server over its tRPC HTTP API:
//   tessera status | node offline|online|fail ID | cluster offline|online
//          | settings get | settings set KEY VALUE | events [--follow] [--json]
// Common flags: --server URL (default http://127.0.0.1:3000), --user NAME (default admin),
// --json. Credentials: an API token from TESSERA_TOKEN (or --token, which shows in `ps`), else
// the password of --user from TESSERA_PASSWORD (never a flag: it would show in `ps`).

import { parseFlags, UsageError } from './args';

export const OPERATOR_USAGE = `tessera status [--json]
  tessera node offline|online|fail NODE [--reason TEXT]
  tessera cluster offline|online [--reason TEXT]
  tessera settings get [--json] | tessera settings set KEY VALUE
  tessera events [--follow] [--json] [--limit N]
  common: [--server URL] [--token T | --user NAME], token in TESSERA_TOKEN or password in TESSERA_PASSWORD`;

export const DEFAULT_SERVER = 'http://127.0.0.1:3000';
export const PASSWORD_ENV = 'TESSERA_PASSWORD';
export const TOKEN_ENV = 'TESSERA_TOKEN';
/** How often `events --follow` asks for new events. */
export const FOLLOW_POLL_MS = 1_000;

export class OperatorError extends Error {
  override readonly name = 'OperatorError';
}

export type Output = (line: string) => void;

export interface Api {
  query<T>(path: string, input?: unknown): Promise<T>;
  mutate<T>(path: string, input?: unknown): Promise<T>;
}

interface TrpcAnswer<T> {
  readonly result?: { readonly data: T };
  readonly error?: { readonly message: string; readonly data?: { readonly code?: string } };
}

async function call<T>(server: string, path: string, init: RequestInit, token: string | null): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${server}/api/trpc/${path}`, { ...init, headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) } });
  } catch (error) {
    throw new OperatorError(`cannot reach the server at ${server} (${(error as Error).message}); is it running? (--server URL)`);
  }
  let body: TrpcAnswer<T>;
  try {
    body = await response.json() as TrpcAnswer<T>;
  } catch {
    throw new OperatorError(`${server} answered ${response.status} without JSON: is it a Tessera server?`);
  }
  if (body.error !== undefined) throw new OperatorError(body.error.message);
  if (body.result === undefined) throw new OperatorError(`unexpected answer from ${path}`);
  return body.result.data;
}

/** Connects with an API token (`token`, else TESSERA_TOKEN) or signs in as `user` with TESSERA_PASSWORD. */
export async function connect(server: string, user: string, token?: string): Promise<Api> {
  let bearer = token ?? process.env[TOKEN_ENV] ?? '';
  if (bearer === '') {
    const password = process.env[PASSWORD_ENV];
    if (password === undefined || password === '') throw new OperatorError(`set ${PASSWORD_ENV} to the password of ${user} (the first start prints the admin password), or ${TOKEN_ENV} to an API token`);
    bearer = (await call<{ token: string }>(server, 'auth.login', { method: 'POST', body: JSON.stringify({ username: user, password, as: 'token' }) }, null)).token;
  }
  return {
    query: (path, input) => call(server, `${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { method: 'GET' }, bearer),
    mutate: (path, input) => call(server, path, { method: 'POST', body: JSON.stringify(input ?? {}) }, bearer),
  };
}

interface Overview {
  availability: string;
  redundancy: string;
  reasons: string[];
  nodes: Array<{ id: string; state: string; lastHeartbeatAgoMs: number | null; vns: unknown[]; drives: unknown[] }>;
  counts: { slicesTwoCopies: number; slicesOneCopy: number; slicesNoCopy: number; containers: number };
  controller: { leaderId: string | null; term: number; commitIndex: number };
}

interface EventView {
  index: number;
  seq: number;
  timeMs: number;
  severity: string;
  code: string;
  subject: { kind: string; id: string };
  message: string;
  actor: string;
}

function eventLine(e: EventView): string {
  return `${new Date(e.timeMs).toISOString()}  ${e.severity.padEnd(8)} ${e.code.padEnd(26)} ${e.actor.padEnd(10)} ${e.message}`;
}

async function status(api: Api, json: boolean, out: Output): Promise<void> {
  const overview = await api.query<Overview>('cluster.overview');
  const nodeStates = await api.query<Record<string, string>>('operations.nodeStates');
  if (json) {
    out(JSON.stringify({ ...overview, nodeStates }, null, 2));
    return;
  }
  out(`cluster ${overview.availability}, ${overview.redundancy}`);
  for (const reason of overview.reasons) out(`  - ${reason}`);
  out(`controller leader ${overview.controller.leaderId ?? 'none'}, term ${overview.controller.term}, commit ${overview.controller.commitIndex}`);
  out(`slices: ${overview.counts.slicesTwoCopies} with two copies, ${overview.counts.slicesOneCopy} with one, ${overview.counts.slicesNoCopy} with none (${overview.counts.containers} containers)`);
  out('NODE        STATE     ADMIN     HEARTBEAT  VNS  DRIVES');
  for (const node of overview.nodes) {
    const heard = node.lastHeartbeatAgoMs === null ? '-' : `${node.lastHeartbeatAgoMs} ms`;
    out(`${node.id.padEnd(12)}${node.state.padEnd(10)}${(nodeStates[node.id] ?? '?').padEnd(10)}${heard.padEnd(11)}${String(node.vns.length).padEnd(5)}${node.drives.length}`);
  }
}

async function events(api: Api, follow: boolean, json: boolean, limit: number, out: Output, shouldStop: () => boolean): Promise<void> {
  const page = await api.query<{ events: EventView[] }>('events.query', { pageSize: limit });
  const print = (e: EventView): void => out(json ? JSON.stringify(e) : eventLine(e));
  const shown = [...page.events].reverse();
  for (const e of shown) print(e);
  if (!follow) return;
  let last = shown[shown.length - 1] ?? { index: 0, seq: -1 };
  while (!shouldStop()) {
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
    const fresh = (await api.query<{ events: EventView[] }>('events.query', { pageSize: 500 })).events
      .filter((e) => e.index > last.index || (e.index === last.index && e.seq > last.seq)).reverse();
    for (const e of fresh) print(e);
    last = fresh[fresh.length - 1] ?? last;
  }
}

/** Parses a setting's value from the command line: numbers for numeric settings, true/false for switches. */
function settingValue(key: string, raw: string): string | number | boolean {
  if (key === 'autoRebalance') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return key === 'degradedWritePolicy' ? raw : (/^-?\d+$/.test(raw) ? Number(raw) : raw);
}

export async function runOperator(command: string, argv: readonly string[], out: Output, shouldStop: () => boolean = () => false): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { server: 'string', user: 'string', token: 'string', json: 'boolean', follow: 'boolean', reason: 'string', limit: 'string' });
  const server = (typeof flags.get('server') === 'string' ? String(flags.get('server')) : DEFAULT_SERVER).replace(/\/$/, '');
  const user = typeof flags.get('user') === 'string' ? String(flags.get('user')) : 'admin';
  const json = flags.get('json') === true;
  const reason = typeof flags.get('reason') === 'string' ? String(flags.get('reason')) : `tessera ${command} from the CLI`;
  const [action, target, value] = positionals;
  const api = await connect(server, user, typeof flags.get('token') === 'string' ? String(flags.get('token')) : undefined);
  const done = (what: string): number => {
    out(json ? JSON.stringify({ ok: true, done: what }) : what);
    return 0;
  };
  switch (command) {
    case 'status':
      await status(api, json, out);
      return 0;
    case 'node': {
      if (target === undefined) throw new UsageError('tessera node offline|online|fail NODE: give the node, e.g. node-2');
      if (action === 'offline') await api.mutate('operations.nodeOffline', { nodeId: target, reason });
      else if (action === 'online') await api.mutate('operations.nodeOnline', { nodeId: target, reason });
      else if (action === 'fail') await api.mutate('operations.nodeFail', { nodeId: target });
      else throw new UsageError(`tessera node: unknown action "${action ?? ''}" (offline, online or fail)`);
      return done(`node ${target}: ${action} requested`);
    }
    case 'cluster': {
      if (action === 'offline') await api.mutate('operations.clusterOffline', { reason });
      else if (action === 'online') await api.mutate('operations.clusterOnline', { reason });
      else throw new UsageError(`tessera cluster: unknown action "${action ?? ''}" (offline or online)`);
      return done(`cluster ${action}`);
    }
    case 'settings': {
      if (action === 'get' || action === undefined) {
        const settings = await api.query<Record<string, unknown>>('operations.settings');
        if (json) out(JSON.stringify(settings, null, 2));
        else for (const [key, setting] of Object.entries(settings)) out(`${key.padEnd(28)}${String(setting)}`);
        return 0;
      }
      if (action !== 'set' || target === undefined || value === undefined) throw new UsageError('tessera settings set KEY VALUE, e.g. tessera settings set autoOnlineTimeoutSeconds 300');
      await api.mutate('operations.setSettings', { [target]: settingValue(target, value) });
      return done(`${target} set to ${value}`);
    }
    case 'events': {
      const limitRaw = flags.get('limit');
      const limit = typeof limitRaw === 'string' && /^\d+$/.test(limitRaw) ? Math.min(500, Math.max(1, Number(limitRaw))) : 50;
      await events(api, flags.get('follow') === true, json, limit, out, shouldStop);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
