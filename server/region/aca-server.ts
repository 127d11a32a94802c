// The Active Cluster Arbitrator: an HTTP server saying which region is active. Several run, each
// with its own state file; regions act only on what a majority of them says
// (engine/region/aca-majority.ts). An instance's generation only grows: a change must carry a
// higher generation than the instance holds, whether it comes over HTTP (PUT, with the ACA
// token) or from the watched file a GitOps pipeline writes.
//
//   GET /v1/aca  → {"active":"region-a","secondary":"region-b","generation":3,"instance":"aca-1"}
//   PUT /v1/aca  ← {"active":"region-b","secondary":"region-a","generation":4}  (Bearer token)
//   GET /healthz → {"ok":true,...}

import { timingSafeEqual, createHash } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAcaAnswer, type AcaAnswer } from '../../engine/region/aca-answer';
import { readBodyWithin } from '../http/body';
import { AcaFileError, readAcaFile, writeAcaFile } from './aca-state';

/** A PUT body: one answer, a few dozen bytes. */
export const ACA_BODY_BYTES_MAX = 1_024;
/** How often the watched file is checked for a new generation. */
export const ACA_WATCH_INTERVAL_MS = 1_000;

export interface AcaServerOptions {
  readonly instance: string;
  readonly host: string;
  readonly port: number;
  readonly stateFile: string;
  /** The answer to start from when the state file does not exist yet. */
  readonly initial?: AcaAnswer;
  /** A file (GitOps) whose newer generations the instance adopts. */
  readonly watchFile?: string;
  /** Without a token, PUT is refused and only the watched file changes the answer. */
  readonly token?: string;
  readonly log: (line: string) => void;
}

export interface AcaServer {
  readonly url: string;
  current(): AcaAnswer;
  close(): Promise<void>;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startAcaServer(options: AcaServerOptions): Promise<AcaServer> {
  let answer = readAcaFile(options.stateFile) ?? (options.watchFile === undefined ? null : readAcaFile(options.watchFile)) ?? options.initial ?? null;
  if (answer === null) throw new AcaFileError(`${options.stateFile} does not exist: give the first answer (--active and --secondary) or a --watch file`);
  writeAcaFile(options.stateFile, answer);
  const tokenDigest = options.token === undefined ? null : digest(options.token);

  const adopt = (next: AcaAnswer, source: string): { ok: true } | { ok: false; error: string } => {
    const held = answer as AcaAnswer;
    if (next.generation <= held.generation) return { ok: false, error: `generation: must be greater than ${held.generation}, the generation this instance holds; got ${next.generation}` };
    writeAcaFile(options.stateFile, next);
    answer = next;
    options.log(`aca ${options.instance}: generation ${next.generation}: active ${next.active}, secondary ${next.secondary} (from ${source})`);
    return { ok: true };
  };

  const watched = options.watchFile;
  if (watched !== undefined) {
    watchFile(watched, { interval: ACA_WATCH_INTERVAL_MS }, () => {
      try {
        const next = readAcaFile(watched);
        if (next === null) return;
        const result = adopt(next, watched);
        if (!result.ok && next.generation !== (answer as AcaAnswer).generation) options.log(`aca ${options.instance}: ${watched} refused: ${result.error}`);
      } catch (error) {
        options.log(`aca ${options.instance}: ${watched} refused: ${(error as Error).message}`);
      }
    });
  }

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    if (tokenDigest === null || !header.startsWith('Bearer ')) return false;
    return timingSafeEqual(digest(header.slice('Bearer '.length)), tokenDigest);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') return send(res, 200, { ok: true, instance: options.instance, generation: (answer as AcaAnswer).generation });
    if (path !== '/v1/aca' && path !== '/') return send(res, 404, { error: { code: 'NotFound', message: `no route ${path}; the answer is at /v1/aca` } });
    if (req.method === 'GET') return send(res, 200, { ...(answer as AcaAnswer), instance: options.instance });
    if (req.method !== 'PUT') return send(res, 405, { error: { code: 'MethodNotAllowed', message: 'GET or PUT /v1/aca' } });
    if (tokenDigest === null) return send(res, 403, { error: { code: 'ReadOnly', message: `instance ${options.instance} takes changes only from its watched file (started without an ACA token)` } });
    if (!authorized(req)) return send(res, 401, { error: { code: 'Unauthorized', message: 'PUT /v1/aca needs Authorization: Bearer <ACA token>' } });
    const body = await readBodyWithin(req, ACA_BODY_BYTES_MAX, 'body');
    if (!body.ok) return send(res, body.problem.status, { error: { code: body.problem.code, message: body.problem.message } });
    let json: unknown;
    try {
      json = JSON.parse(body.body.toString('utf8'));
    } catch {
      return send(res, 400, { error: { code: 'InvalidJson', message: 'body: not JSON' } });
    }
    const parsed = parseAcaAnswer(json);
    if (!parsed.ok) return send(res, 400, { error: { code: 'InvalidAnswer', message: parsed.error } });
    const result = adopt(parsed.answer, `PUT from ${req.socket.remoteAddress ?? 'unknown'}`);
    if (!result.ok) return send(res, 409, { error: { code: 'StaleGeneration', message: result.error }, current: answer });
    return send(res, 200, { ...(answer as AcaAnswer), instance: options.instance });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`aca ${options.instance}: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) send(res, 500, { error: { code: 'Internal', message: 'the arbitrator failed to answer; see its log' } });
      else res.destroy();
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    current: () => answer as AcaAnswer,
    close: async () => {
      if (watched !== undefined) unwatchFile(watched);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
