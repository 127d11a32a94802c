// Reading request bodies within a limit, and what to do with the rest of a refused one.
//
// The declared Content-Length is checked before a byte is read; a body that streams past the
// limit (chunked, or lying about its length) is refused the moment it passes it, and a body that
// trickles in is refused after BODY_READ_TIMEOUT_MS. Nothing more than the limit is ever held.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BODY_READ_TIMEOUT_MS, REFUSED_BODY_DRAIN_BYTES_MAX, REFUSED_BODY_LINGER_MS } from './limits';
import type { HttpProblem } from './problem';

export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly problem: HttpProblem };

/** The declared body length: 0 for none, undefined when the body is chunked (length unknown). */
export function declaredBodyBytes(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header !== undefined) return Number(header);
  return req.headers['transfer-encoding'] === undefined ? 0 : undefined;
}

export function tooLarge(field: string, limitBytes: number, declaredBytes?: number): HttpProblem {
  const size = declaredBytes === undefined ? 'over' : `${declaredBytes} bytes (Content-Length) is over`;
  return { status: 413, code: 'TooLarge', field, limit: limitBytes, message: `${field}: ${size} the limit of ${limitBytes} bytes` };
}

/** The problem with the declared length, before anything is read; null when it may be sent. */
export function declaredLengthProblem(req: IncomingMessage, limitBytes: number, field: string): HttpProblem | null {
  const declared = declaredBodyBytes(req);
  if (declared === undefined) return null;
  if (declared > limitBytes) return limitBytes === 0 ? { status: 413, code: 'TooLarge', field, limit: 0, message: `${field}: this request takes no body (found ${declared} bytes)` } : tooLarge(field, limitBytes, declared);
  return null;
}

/** Reads the whole body, or says why not (413 over the limit, 408 too slow, 400 cut off). */
export function readBodyWithin(req: IncomingMessage, limitBytes: number, field: string, timeoutMs = BODY_READ_TIMEOUT_MS): Promise<BodyResult> {
  const early = declaredLengthProblem(req, limitBytes, field);
  if (early !== null) return Promise.resolve({ ok: false, problem: early });
  if (req.readableEnded) return Promise.resolve({ ok: true, body: Buffer.alloc(0) });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      if (!result.ok) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limitBytes) {
        finish({ ok: false, problem: tooLarge(field, limitBytes) });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks, total) });
    const onClose = (): void => finish({ ok: false, problem: { status: 400, code: 'InvalidArgument', field, message: `${field}: the connection closed before the body ended` } });
    const timer = setTimeout(() => finish({ ok: false, problem: { status: 408, code: 'RequestTimeout', field, limit: timeoutMs, message: `${field}: not received within ${timeoutMs} ms` } }), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}

/**
 * After a refusal, stops reading what the client is still sending: the connection closes once
 * the answer is out. The close lingers (REFUSED_BODY_LINGER_MS) rather than cutting at once, so a
 * client still sending reads the answer instead of a reset; meanwhile TCP flow control holds its
 * writes. A small declared body (at most REFUSED_BODY_DRAIN_BYTES_MAX) is drained instead, so the
 * connection can be reused.
 */
export function refuseRestOfBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || req.destroyed) return;
  const declared = declaredBodyBytes(req);
  if (declared !== undefined && declared <= REFUSED_BODY_DRAIN_BYTES_MAX) {
    req.resume();
    return;
  }
  if (!res.headersSent) res.setHeader('connection', 'close');
  // Paused, and marked as being consumed (read(0)), so Node does not drain the body either.
  req.pause();
  req.read(0);
  const socket = req.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    const timer = setTimeout(() => this.destroy(), REFUSED_BODY_LINGER_MS);
    this.once('close', () => clearTimeout(timer));
  };
}
