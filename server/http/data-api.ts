// The HTTP data API (docs/API.md): containers and objects under /api/v1/. Object bodies are the
// raw bytes; versions travel in ETag / If-Match; errors are {"error":{"code","message"}}.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientError } from '../../engine/client/tessera-client';
import { CONTAINER_NAME_PATTERN } from '../../engine/controller/apply';
import type { WriteCondition } from '../../engine/dataplane/messages';
import type { EmbeddedCluster } from '../cluster/embedded-cluster';
import { refuseRestOfBody, readBodyWithin } from './body';
import { countRefusal } from './error-counters';
import { DATA_API_JSON_BYTES_MAX, LIST_CURSOR_BYTES_MAX, LIST_PREFIX_BYTES_MAX, OBJECT_KEY_BYTES_MAX, OBJECT_VALUE_BYTES_MAX } from './limits';
import { reportHandlerError } from './safe-handler';

export const API_PREFIX = '/api/v1/containers';
/** Largest object value accepted (docs/DESIGN.md §2). */
export const MAX_VALUE_BYTES = OBJECT_VALUE_BYTES_MAX;
/** Largest object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = OBJECT_KEY_BYTES_MAX;
/** Largest JSON request body (container creation). */
export const MAX_JSON_BYTES = DATA_API_JSON_BYTES_MAX;
export const LIST_LIMIT_DEFAULT = 100;
export const LIST_LIMIT_MAX = 1_000;

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.status === 503 ? { 'retry-after': '1' } : {});
}

const STATUS_OF: Readonly<Record<string, number>> = {
  NotFound: 404, NoSuchContainer: 404, PreconditionFailed: 412, InvalidArgument: 400, TooLarge: 413,
  StaleEpoch: 503, Behind: 503, Unavailable: 503, Busy: 503, Timeout: 503, Internal: 500,
};

/** The controller's refusals of container commands (engine/controller/validate-command.ts); others are 503. */
const CONTROLLER_STATUS_OF: Readonly<Record<string, readonly [number, string]>> = {
  AlreadyExists: [409, 'AlreadyExists'], InvalidContainer: [400, 'InvalidArgument'], InvalidCommand: [400, 'InvalidArgument'],
  InsufficientCapacity: [507, 'InsufficientCapacity'], NotFound: [404, 'NoSuchContainer'], ApplyError: [500, 'Internal'],
};

function fromController(result: { readonly code: string; readonly message: string }, what: string): ApiError {
  const [status, code] = CONTROLLER_STATUS_OF[result.code] ?? [503, 'Unavailable'];
  return new ApiError(status, code, status === 503 ? `the controller could not ${what}: ${result.message}` : result.message);
}

function fromClient(error: ClientError): ApiError {
  return new ApiError(STATUS_OF[error.code] ?? 500, error.code, error.message);
}

/** The body within its limit (body.ts: checked from Content-Length first, then while streaming). */
async function readBody(req: IncomingMessage, limitBytes: number, what: string): Promise<Buffer> {
  const read = await readBodyWithin(req, limitBytes, what);
  if (!read.ok) {
    countRefusal(read.problem.status === 408 ? 'body_timeout' : read.problem.status === 413 ? 'body_too_large' : 'body_cut');
    throw new ApiError(read.problem.status, read.problem.code, read.problem.message);
  }
  return read.body;
}

/** A listing's prefix or cursor: at most a key's length (limits.ts), checked before any scan. */
function checkListBound(query: URLSearchParams, field: 'prefix' | 'cursor', limitBytes: number): string {
  const value = query.get(field) ?? '';
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > limitBytes) {
    countRefusal('list_bound');
    throw new ApiError(400, 'InvalidArgument', `${field}: ${bytes} bytes is over the limit of ${limitBytes}`);
  }
  return value;
}

function checkKey(key: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0) throw new ApiError(400, 'InvalidArgument', 'key: must not be empty');
  if (key.includes('\u0000')) throw new ApiError(400, 'InvalidArgument', 'key: must not contain NUL characters');
  if (bytes > MAX_KEY_BYTES) throw new ApiError(400, 'InvalidArgument', `key: ${bytes} bytes is over the limit of ${MAX_KEY_BYTES}`);
}

function checkContainerName(name: string): void {
  if (!CONTAINER_NAME_PATTERN.test(name)) throw new ApiError(400, 'InvalidArgument', `name: container names are 1-63 lowercase letters, digits, _ and -, starting with a letter or digit (found ${JSON.stringify(name)})`);
}

function parseVersionHeader(value: string, header: string): number {
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(value);
  if (match?.[1] === undefined) throw new ApiError(400, 'InvalidArgument', `${header}: expected a version such as "3" (found ${JSON.stringify(value)})`);
  return Number(match[1]);
}

function conditionOf(req: IncomingMessage): WriteCondition {
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifMatch !== undefined && ifNoneMatch !== undefined) throw new ApiError(400, 'InvalidArgument', 'If-Match and If-None-Match: use one of them');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw new ApiError(400, 'InvalidArgument', 'If-None-Match: only * is supported');
    return { ifNoneMatch: true };
  }
  return ifMatch === undefined ? {} : { ifMatch: parseVersionHeader(ifMatch, 'If-Match') };
}

function containerView(cluster: EmbeddedCluster, name: string): { name: string; slices: number; createdAt: string; mapEpoch: number } {
  const container = cluster.controllerState().containers[name];
  if (container === undefined) throw new ApiError(404, 'NoSuchContainer', `container: no container ${name}`);
  return { name, slices: container.sliceCount, createdAt: new Date(container.createdAtMs).toISOString(), mapEpoch: container.mapEpoch };
}

/** Who is calling (set by server/http/data-auth.ts): the actor of its changes and its container scope. */
export interface DataApiAccess {
  readonly actor: string;
  readonly container: string | null;
}

const ANONYMOUS: DataApiAccess = { actor: 'api', container: null };

async function createContainer(cluster: EmbeddedCluster, req: IncomingMessage, res: ServerResponse, access: DataApiAccess): Promise<void> {
  const raw = await readBody(req, MAX_JSON_BYTES, 'body');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'InvalidArgument', 'body: expected JSON such as {"name":"photos","slices":4096}');
  }
  const { name, slices } = (body ?? {}) as { name?: unknown; slices?: unknown };
  if (typeof name !== 'string') throw new ApiError(400, 'InvalidArgument', 'name: required, a string');
  checkContainerName(name);
  const sliceCount = slices === undefined ? 4096 : slices;
  if (typeof sliceCount !== 'number' || !Number.isInteger(sliceCount) || sliceCount < 64 || sliceCount > 65_536 || (sliceCount & (sliceCount - 1)) !== 0) {
    throw new ApiError(400, 'InvalidArgument', `slices: must be a power of two in 64..65536 (found ${JSON.stringify(slices)})`);
  }
  const result = await cluster.propose({ type: 'container.create', actor: access.actor, timeMs: Date.now(), name, sliceCount, seedHex: randomBytes(8).toString('hex') });
  if (!result.ok) throw fromController(result, 'create the container');
  cluster.data.invalidate(name);
  sendJson(res, 201, containerView(cluster, name), { location: `${API_PREFIX}/${name}` });
}

async function deleteContainer(cluster: EmbeddedCluster, name: string, force: boolean, res: ServerResponse, access: DataApiAccess): Promise<void> {
  containerView(cluster, name);
  if (!force) {
    const listed = await cluster.data.list(name, { prefix: '', cursor: '', limit: 1 });
    if (!listed.ok) throw fromClient(listed);
    if (listed.keys.length > 0) throw new ApiError(409, 'NotEmpty', `container ${name} holds objects; delete them first or pass ?force=true`);
  }
  const result = await cluster.propose({ type: 'container.delete', actor: access.actor, timeMs: Date.now(), name });
  if (!result.ok) throw fromController(result, 'delete the container');
  cluster.data.invalidate(name);
  res.writeHead(204);
  res.end();
}

/**
 * While the committed state says offline, every node refuses data requests; the client would
 * retry them until its deadline (about 10 s) before the caller heard 503. Answer at once.
 */
function refuseWhileOffline(cluster: EmbeddedCluster): void {
  const state = cluster.controllerState();
  if (state.availability === 'offline') throw new ApiError(503, 'Unavailable', `the cluster is offline: ${state.offlineReason ?? 'no reason given'}`);
}

async function listObjects(cluster: EmbeddedCluster, name: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
  containerView(cluster, name);
  const limitText = query.get('limit');
  const limit = limitText === null ? LIST_LIMIT_DEFAULT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) throw new ApiError(400, 'InvalidArgument', `limit: must be an integer in 1..${LIST_LIMIT_MAX}`);
  const prefix = checkListBound(query, 'prefix', LIST_PREFIX_BYTES_MAX);
  const cursor = checkListBound(query, 'cursor', LIST_CURSOR_BYTES_MAX);
  refuseWhileOffline(cluster);
  const result = await cluster.data.list(name, { prefix, cursor, limit });
  if (!result.ok) throw fromClient(result);
  sendJson(res, 200, { keys: result.keys, nextCursor: result.nextCursor });
}

async function objectRequest(cluster: EmbeddedCluster, name: string, key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkKey(key);
  containerView(cluster, name);
  if (['GET', 'HEAD', 'PUT', 'DELETE'].includes(req.method ?? '')) refuseWhileOffline(cluster);
  switch (req.method ?? '') {
    case 'GET':
    case 'HEAD': {
      const result = await cluster.data.get(name, key);
      if (!result.ok) throw fromClient(result);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(result.value.length), etag: `"${result.version}"` });
      res.end(req.method === 'HEAD' ? undefined : Buffer.from(result.value.buffer, result.value.byteOffset, result.value.byteLength));
      return;
    }
    case 'PUT': {
      const condition = conditionOf(req);
      const body = await readBody(req, MAX_VALUE_BYTES, 'value');
      const result = await cluster.data.put(name, key, new Uint8Array(body.buffer, body.byteOffset, body.byteLength), condition);
      if (!result.ok) throw fromClient(result);
      sendJson(res, 200, { version: result.version }, { etag: `"${result.version}"` });
      return;
    }
    case 'DELETE': {
      const result = await cluster.data.delete(name, key, conditionOf(req));
      if (!result.ok) throw fromClient(result);
      res.writeHead(204);
      res.end();
      return;
    }
    default:
      throw new ApiError(405, 'MethodNotAllowed', `${req.method ?? ''} is not supported on objects (GET, HEAD, PUT, DELETE)`);
  }
}

async function route(cluster: EmbeddedCluster, req: IncomingMessage, res: ServerResponse, url: URL, access: DataApiAccess): Promise<void> {
  const rest = url.pathname.slice(API_PREFIX.length);
  if (rest === '' || rest === '/') {
    if (req.method === 'GET') {
      const names = Object.keys(cluster.controllerState().containers).filter((n) => access.container === null || n === access.container).sort();
      sendJson(res, 200, { containers: names.map((n) => containerView(cluster, n)) });
      return;
    }
    if (req.method === 'POST') return createContainer(cluster, req, res, access);
    throw new ApiError(405, 'MethodNotAllowed', 'use GET or POST on /api/v1/containers');
  }
  const match = /^\/([^/]+)(?:\/objects(?:\/(.*))?)?$/.exec(rest);
  const name = match?.[1];
  if (match === null || name === undefined) throw new ApiError(404, 'NotFound', `no such API path ${url.pathname}`);
  let decodedName: string;
  let key: string | undefined;
  try {
    decodedName = decodeURIComponent(name);
    key = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  } catch {
    throw new ApiError(400, 'InvalidArgument', 'path: invalid percent-encoding');
  }
  const isObjects = rest.slice(name.length + 1).startsWith('/objects');
  if (!isObjects) {
    if (req.method === 'GET') return sendJson(res, 200, containerView(cluster, decodedName));
    if (req.method === 'DELETE') return deleteContainer(cluster, decodedName, url.searchParams.get('force') === 'true', res, access);
    throw new ApiError(405, 'MethodNotAllowed', 'use GET or DELETE on a container');
  }
  if (key === undefined || key === '') {
    if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'use GET to list objects');
    return listObjects(cluster, decodedName, url.searchParams, res);
  }
  return objectRequest(cluster, decodedName, key, req, res);
}

/** Serves one /api/v1/containers request, for a caller data-auth.ts has let in. */
export function handleDataApi(cluster: EmbeddedCluster | undefined, req: IncomingMessage, res: ServerResponse, access: DataApiAccess = ANONYMOUS): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (cluster === undefined) {
    sendError(res, new ApiError(503, 'Unavailable', 'the cluster is starting'));
    return;
  }
  route(cluster, req, res, url, access).catch((error: unknown) => {
    if (!(error instanceof ApiError)) {
      // A bug: logged, counted and answered 500 (safe-handler.ts).
      refuseRestOfBody(req, res);
      reportHandlerError('data', req, res, error);
      return;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Discard, within a bound, what the client is still sending so the error reaches it.
    refuseRestOfBody(req, res);
    sendError(res, error);
  });
}
