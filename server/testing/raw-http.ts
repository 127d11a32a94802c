// A raw HTTP client for hostile-input tests: bodies that lie about their length, stream without
// end, or trickle in; requests held open; a chosen local address. Resolves with the answer the
// server gave, or rejects when the connection failed before any answer (no clear error).

import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** Body bytes this client had written when the answer arrived. */
  readonly bytesSent: number;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** A body sent whole. */
  readonly body?: string | Buffer;
  /** Or a body streamed in 64 KiB chunks, up to this many bytes, stopping at the answer. */
  readonly streamBytes?: number;
  /** Or a body of one byte every `intervalMs`, up to `bytes`, stopping at the answer. */
  readonly trickle?: { readonly bytes: number; readonly intervalMs: number };
  readonly localAddress?: string;
  /** Give up (reject) after this long without an answer. */
  readonly timeoutMs?: number;
  /** Cuts the connection (the promise rejects). */
  readonly signal?: AbortSignal;
}

const STREAM_CHUNK = Buffer.alloc(65_536, 0x61);

export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawAnswer> {
  const url = new URL(options.path, baseUrl);
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const req = request({
      host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: options.method,
      headers: options.headers ?? {}, agent: false, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${options.method} ${options.path.slice(0, 80)}: no answer within ${options.timeoutMs ?? 20_000} ms`));
    }, options.timeoutMs ?? 20_000);
    options.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      req.destroy();
      reject(new Error('aborted'));
    }, { once: true });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), bytesSent });
      });
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      if (answered) return;
      clearTimeout(timer);
      reject(new Error(`${options.method} ${options.path.slice(0, 80)}: connection failed before an answer (${error.message}) after ${bytesSent} body bytes`));
    });
    const pump = async (): Promise<void> => {
      if (options.streamBytes !== undefined) {
        while (!answered && !req.destroyed && bytesSent < options.streamBytes) {
          const chunk = STREAM_CHUNK.subarray(0, Math.min(STREAM_CHUNK.length, options.streamBytes - bytesSent));
          bytesSent += chunk.length;
          if (!req.write(chunk)) await new Promise((r) => { req.once('drain', r); req.once('close', r); });
        }
      } else if (options.trickle !== undefined) {
        for (let i = 0; i < options.trickle.bytes && !answered && !req.destroyed; i++) {
          req.write('a');
          bytesSent++;
          // Unref'd: a held request's long pause must not keep the test process alive.
          await new Promise((r) => setTimeout(r, options.trickle?.intervalMs).unref());
        }
      } else if (options.body !== undefined) {
        req.write(options.body);
        bytesSent += Buffer.byteLength(options.body);
      }
      if (!answered && !req.destroyed) req.end();
    };
    pump().catch(() => undefined);
  });
}

/** The JSON of an answer, or a failure naming what came instead. */
export function jsonOf(answer: RawAnswer): Record<string, unknown> {
  try {
    return JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    throw new Error(`answer ${answer.status} is not JSON: ${answer.text.slice(0, 200)}`);
  }
}
