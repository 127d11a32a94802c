// The Tessera server: one HTTP server composing /healthz, /metrics, tRPC at /api/trpc and the
// Next.js console, over the embedded cluster kept on globalThis.
//
// Start-up order is chosen so every operator mistake is reported in one line before anything
// slow happens: configuration, data directory, port, then the cluster and the console build.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import next from 'next';
import { loadClusterConfig } from './config/cluster-config';
import { ensureWritableDataDir } from './cluster/data-dir';
import { EmbeddedCluster } from './cluster/embedded-cluster';
import { getCluster, setCluster } from './cluster/instance';
import { buildConsole, hasConsoleBuild } from './http/build';
import { AuthService, credentialsOf } from './auth/auth-service';
import { restrictDataDir } from './cluster/data-dir-permissions';
import { authorizeDataRequest } from './http/data-auth';
import { authEnvironmentProblem, screenRequest, transportSecurity, type TransportSecurity } from './http/server-security';
import { API_PREFIX, handleDataApi } from './http/data-api';
import { createMetrics } from './http/metrics';
import { processEventLoop } from './runtime/event-loop-monitor';
import { frontDoor } from './http/front-door';
import { sendConsoleStarting } from './http/starting-page';
import { HTTP_SERVER_OPTIONS, TRPC_BATCH_CALLS_MAX, TRPC_BODY_BYTES_MAX } from './http/limits';
import { logHandlerError } from './http/safe-handler';
import { guardTrpc } from './http/trpc-guard';
import { appRouter } from './routers/_app';
import { regionGuardFrom } from './region/region-config';
import { gateDataRequest } from './region/region-gate';
import { setRegionGuard } from './region/instance';

export const ROOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly configPath: string;
  /** Serve the API only (tests that do not need the console). */
  readonly withConsole: boolean;
  /** Host names (besides loopback and the bound address) this server answers for. */
  readonly advertise?: readonly string[];
  /** TLS: PEM certificate and key files (both or neither); then the console is HTTPS only. */
  readonly tlsCertPath?: string | undefined;
  readonly tlsKeyPath?: string | undefined;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new StartupError(`port ${port} on ${host} is already in use (choose another with --port)`));
      else if (error.code === 'EACCES') reject(new StartupError(`not allowed to listen on port ${port} on ${host}`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new StartupError(`cannot listen on host ${host} (${error.code})`));
      else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolveListen();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** tRPC procedures answered as server-sent event streams. */
const SUBSCRIPTION_PATHS: ReadonlySet<string> = new Set(
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
    .filter(([, procedure]) => procedure._def.type === 'subscription').map(([name]) => name),
);

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const config = loadClusterConfig(options.configPath);
  const envProblem = authEnvironmentProblem();
  if (envProblem !== null) throw new StartupError(envProblem);
  let security: TransportSecurity;
  try {
    security = transportSecurity({
      host: options.host,
      advertise: [...(options.advertise ?? []), ...(config.server?.advertise ?? [])],
      tlsCertPath: options.tlsCertPath ?? config.server?.tlsCert,
      tlsKeyPath: options.tlsKeyPath ?? config.server?.tlsKey,
    });
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
  ensureWritableDataDir(options.dataDir);
  restrictDataDir(options.dataDir);
  const regionGuard = regionGuardFrom(config, options.dataDir, log);
  setRegionGuard(regionGuard);
  regionGuard?.start();

  const eventLoop = processEventLoop(log);
  const metrics = createMetrics(eventLoop);
  // Created once the data directory is locked (after the cluster opens).
  const authHolder: { current: AuthService | undefined } = { current: undefined };
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    // Backstops: trpc-guard.ts has checked both before tRPC sees the request.
    maxBatchSize: TRPC_BATCH_CALLS_MAX,
    maxBodySize: TRPC_BODY_BYTES_MAX,
    onError: ({ error, path }) => { if (error.code === 'INTERNAL_SERVER_ERROR') logHandlerError('trpc', path ?? '(no path)', error.cause ?? error); },
    createContext: ({ req, res }) => {
      const auth = authHolder.current;
      const credentials = credentialsOf(req, auth?.cookieName);
      const address = req.socket.remoteAddress ?? 'unknown';
      return { cluster: getCluster(), auth, credentials, session: auth?.authenticate(credentials, address), req, res, address };
    },
  });
  let consoleHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;

  // frontDoor: in-flight bounds, body limits from the headers, and no handler error escapes;
  // the Host screen comes first inside it.
  const handler = frontDoor((req: IncomingMessage, res: ServerResponse): void => {
    if (screenRequest(security, req, res, (host) => authHolder.current?.refused('host', { action: 'refused.host', actor: null, address: req.socket.remoteAddress ?? 'unknown', args: { host: host.slice(0, 100) }, result: '421' }))) return;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      const cluster = getCluster();
      if (cluster === undefined) return sendJson(res, 503, { status: 'starting' });
      const o = cluster.overview();
      const region = regionGuard?.status();
      // `/healthz?role=active` answers 200 only where writes are accepted now: a standard load
      // balancer's health check routes writers to the active region with it.
      const wantsActive = (req.url ?? '').includes('role=active');
      const healthy = o.availability === 'online' && (!wantsActive || region === undefined || region.writable);
      return sendJson(res, healthy ? 200 : 503, { status: o.availability, redundancy: o.redundancy, reasons: o.reasons, balance: o.balance, clusterId: o.clusterId, nodesUp: o.counts.nodesUp, nodesTotal: o.counts.nodesTotal, ...(region === undefined ? {} : { region }) });
    }
    if (path === '/metrics') {
      void metrics.scrape().then((text) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(text);
      }, (error: unknown) => sendJson(res, 500, { error: { code: 'MetricsFailed', message: String(error) } }));
      return;
    }
    if (path.startsWith('/api/trpc/')) {
      // A subscription answers over server-sent events: once the stream has started, a refusal
      // can only travel inside it with status 200. Refuse a caller without a session up front,
      // with a real 401; the procedure still checks the role itself.
      if (SUBSCRIPTION_PATHS.has(path.slice('/api/trpc/'.length))) {
        const caller = authHolder.current?.authenticate(credentialsOf(req, authHolder.current.cookieName), req.socket.remoteAddress ?? 'unknown');
        if (caller === undefined) return sendJson(res, 401, { error: { code: 'UNAUTHORIZED', message: 'sign in first' } });
        if ((caller.container ?? null) !== null) return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'a token scoped to a container may use the data API only' } });
      }
      void guardTrpc(req, res, authHolder.current, trpcHandler);
      return;
    }
    if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
      const access = authorizeDataRequest(authHolder.current, req, res);
      if (access !== null && !gateDataRequest(regionGuard, req, res)) handleDataApi(getCluster(), req, res, access);
      return;
    }
    if (consoleHandler === undefined) return sendConsoleStarting(req, res, options.withConsole);
    void consoleHandler(req, res).catch((error: unknown) => {
      log(`console request failed: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'ConsoleError', message: 'internal error' } });
    });
  });
  const server: Server = security.tls === null ? createServer(HTTP_SERVER_OPTIONS, handler) : createHttpsServer({ ...HTTP_SERVER_OPTIONS, cert: security.tls.cert, key: security.tls.key }, handler);

  await listen(server, options.port, options.host);
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `${security.tls === null ? 'http' : 'https'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${boundPort}`;

  let cluster: EmbeddedCluster;
  try {
    cluster = await EmbeddedCluster.open({ dataDir: options.dataDir, config, log, eventLoop });
  } catch (error) {
    server.close();
    throw error;
  }
  const auth = new AuthService(options.dataDir, { secure: security.tls !== null });
  try {
    await auth.accounts.ensureAdmin(log);
    auth.ensureBootstrapToken(log);
  } catch (error) {
    auth.close();
    server.close();
    await cluster.close();
    throw new StartupError((error as Error).message);
  }
  auth.transportWarning = security.warning;
  if (security.warning !== null) log(security.warning);
  authHolder.current = auth;
  setCluster(cluster);
  log(`cluster ${cluster.manifest.clusterId} running: ${cluster.topology.nodes.length} nodes, data in ${options.dataDir}`);

  const close = async (): Promise<void> => {
    await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
    setCluster(undefined);
    regionGuard?.stop();
    setRegionGuard(undefined);
    auth.close();
    await cluster.close();
  };

  if (options.withConsole) {
    try {
      if (!hasConsoleBuild(ROOT_DIR)) await buildConsole(ROOT_DIR, log);
      const app = next({ dev: false, dir: ROOT_DIR, quiet: true });
      await app.prepare();
      const handle = app.getRequestHandler();
      consoleHandler = (req, res) => handle(req, res);
    } catch (error) {
      await close();
      throw new StartupError(`the console could not start: ${(error as Error).message}`);
    }
  }
  log(`Tessera console on ${url}`);
  return { url, server, close };
}

export const DEFAULTS = { dataDir: './data', port: 3000, host: '127.0.0.1', configPath: './cluster.yml' } as const;
