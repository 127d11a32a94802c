// Every limit the HTTP server enforces, in one place (documented in docs/API.md and
// docs/OPERATIONS.md). Each is checked before the work it bounds: sizes from headers before a
// body is read, bodies while they stream, calls per batch from the URL. A refusal is a 400, 408,
// 413, 429 or 503 JSON answer that names the field and the limit.

// ---- request bodies, per route ------------------------------------------------------------

/** Largest object value (PUT body of the data API). */
export const OBJECT_VALUE_BYTES_MAX = 1_048_576;
/** Largest JSON body of the data API (container creation: a name and a slice count). */
export const DATA_API_JSON_BYTES_MAX = 16_384;
/** Largest tRPC request body: the console's and CLI's inputs are a few hundred bytes at most. */
export const TRPC_BODY_BYTES_MAX = 65_536;
/** Largest sign-in body (`auth.login`: a 64-character name and a 256-character password, escaped). */
export const SIGN_IN_BODY_BYTES_MAX = 4_096;
/** Largest body sent to the console's own routes (Next.js): its pages only read. */
export const CONSOLE_BODY_BYTES_MAX = 65_536;
/**
 * A body must arrive within this time once its headers did. 1 MiB in 10 s is about 100 KB/s, far
 * below any link a storage client uses; a client that trickles bytes is answered 408.
 */
export const BODY_READ_TIMEOUT_MS = 10_000;
/**
 * After a refusal the server stops reading the body and closes the connection, lingering this
 * long so a client still sending reads the answer rather than a connection reset.
 */
export const REFUSED_BODY_LINGER_MS = 2_000;
/** ... unless the declared body is this small: then it is drained and the connection kept. */
export const REFUSED_BODY_DRAIN_BYTES_MAX = 65_536;

// ---- tRPC -----------------------------------------------------------------------------------

/** Calls in one batched tRPC request; the console batches the queries of one page (under 10). */
export const TRPC_BATCH_CALLS_MAX = 16;

// ---- keys, prefixes, cursors ----------------------------------------------------------------

/** Largest object key, in UTF-8 bytes. */
export const OBJECT_KEY_BYTES_MAX = 1_024;
/** Largest listing prefix, in UTF-8 bytes: a prefix of a key is never longer than a key. */
export const LIST_PREFIX_BYTES_MAX = OBJECT_KEY_BYTES_MAX;
/** Largest listing cursor, in UTF-8 bytes: a cursor is a key the previous page returned. */
export const LIST_CURSOR_BYTES_MAX = OBJECT_KEY_BYTES_MAX;

// ---- concurrency ----------------------------------------------------------------------------

/**
 * Requests in flight from one remote address (answer 429 with Retry-After beyond it). A browser
 * keeps at most 6 connections per host; the heaviest local load (crash test, benchmarks) runs
 * 16-24 requests at once. Behind a reverse proxy every client shares the proxy's address.
 */
export const CLIENT_IN_FLIGHT_MAX = 64;
/** Requests in flight in the whole server (answer 503 Busy with Retry-After beyond it). */
export const SERVER_IN_FLIGHT_MAX = 256;
/** Seconds a refused client is asked to wait (Retry-After). */
export const RETRY_AFTER_SECONDS = 1;

// ---- slow clients ---------------------------------------------------------------------------

/** The request headers must arrive within this time (slowloris), else 408 and close. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request (headers and body) must arrive within this time, else 408 and close. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** An idle keep-alive connection is closed after this time. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often Node checks the two timeouts above (its default, 30 s, would let them overrun). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** Options for `http.createServer` (and `https.createServer`) that enforce the timeouts. */
export const HTTP_SERVER_OPTIONS = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
} as const;
