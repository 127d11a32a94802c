// What the server answers for a console page before the console is ready (it may be building
// for a minute on a first start): browsers get a small page that says so and reloads itself,
// API clients keep the JSON error.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How often the "being built" page reloads itself. */
export const STARTING_PAGE_RELOAD_SECONDS = 2;

export const STARTING_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${STARTING_PAGE_RELOAD_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Tessera console: starting</title></head>
<body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 36rem; line-height: 1.5">
<h1>Tessera</h1>
<p role="status">The console is being built. This page reloads itself every ${STARTING_PAGE_RELOAD_SECONDS} s and shows the console as soon as it is ready.</p>
<p>The cluster is already running: <a href="/healthz">/healthz</a> answers meanwhile.</p>
</body></html>
`;

/** True when the caller prefers an HTML page (a browser navigating), not JSON. */
export function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return (req.method === 'GET' || req.method === 'HEAD') && accept.toLowerCase().includes('text/html');
}

/** The 503 answer while the console is not ready: the reloading page, or the JSON error. */
export function sendConsoleStarting(req: IncomingMessage, res: ServerResponse, withConsole: boolean): void {
  const message = withConsole ? 'the console is starting' : 'this server runs without the console';
  if (withConsole && wantsHtml(req)) {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': String(STARTING_PAGE_RELOAD_SECONDS) });
    res.end(req.method === 'HEAD' ? undefined : STARTING_PAGE_HTML);
    return;
  }
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { code: 'Starting', message } }));
}
