// Where the region's role meets the data API: a passive region answers writes with 307 to the
// same path on the active region (a client that follows redirects re-sends the body there); a
// region that is named active but not yet (or no longer) under a lease answers 503 with
// Retry-After. Reads are served locally in every role, with the role in a header so a client
// knows it may be reading a passive copy.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegionGuard } from './region-guard';

const WRITE_METHODS: ReadonlySet<string> = new Set(['PUT', 'POST', 'DELETE', 'PATCH']);
export const REGION_ROLE_HEADER = 'x-tessera-region-role';

/** True when the request was answered here (refused or redirected). */
export function gateDataRequest(guard: RegionGuard | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (guard === undefined) return false;
  const status = guard.status();
  res.setHeader(REGION_ROLE_HEADER, `${status.id}; ${status.role}`);
  if (!WRITE_METHODS.has(req.method ?? 'GET')) return false;
  const state = guard.writeState();
  if (state.ok) {
    const release = guard.writeAdmitted();
    res.once('close', release);
    return false;
  }
  const body = (code: string, message: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ error: { code, message, region: status.id, role: status.role, ...extra } });
  if (state.reason === 'passive') {
    const active = guard.activeUrl();
    if (active !== null) {
      const location = new URL(req.url ?? '/', active).toString();
      res.writeHead(307, { location, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body('RegionPassive', `region ${status.id} is passive: write to the active region ${status.answer?.active ?? ''} at ${location}`, { location }));
      req.resume();
      return true;
    }
  }
  const retryAfterS = Math.max(1, Math.ceil((state.retryAfterMs ?? 1_000) / 1_000));
  res.writeHead(503, { 'retry-after': String(retryAfterS), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body(state.reason === 'passive' ? 'RegionPassive' : 'RegionFenced', `region ${status.id} does not accept writes now: ${state.detail}`));
  req.resume();
  return true;
}
