// Security headers on every answer (docs/SECURITY.md). Console pages get a Content Security
// Policy with a fresh nonce per request and 'strict-dynamic': only scripts carrying the nonce
// (Next.js adds it to its own, reading it from the request's CSP header) and the scripts they
// load may run. APIs get a policy that allows nothing. Framing is refused everywhere, MIME
// sniffing is off, no Referer leaves the console, and over HTTPS browsers are told to stay on it.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** HSTS lifetime over HTTPS: one year. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function consoleCsp(nonce: string, tls: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    // Inline style attributes (charts, widths) are not script: allowing them keeps the console
    // working without opening script injection.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(tls ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

function common(res: ServerResponse, tls: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  if (tls) res.setHeader('strict-transport-security', `max-age=${HSTS_MAX_AGE_SECONDS}`);
}

/** Headers of an API answer (/api, /healthz, /metrics, errors). */
export function applyApiHeaders(res: ServerResponse, tls: boolean): void {
  common(res, tls);
  res.setHeader('content-security-policy', API_CSP);
}

/**
 * Headers of a console answer. The policy is also put on the *request*, where Next.js looks
 * for the nonce to stamp on the scripts it renders.
 */
export function applyConsoleHeaders(req: IncomingMessage, res: ServerResponse, tls: boolean): string {
  common(res, tls);
  const nonce = randomBytes(16).toString('base64');
  const csp = consoleCsp(nonce, tls);
  req.headers['content-security-policy'] = csp;
  res.setHeader('content-security-policy', csp);
  return nonce;
}
