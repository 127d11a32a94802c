// The admin API token of test servers: set as TESSERA_BOOTSTRAP_TOKEN before a server starts
// (in process or spawned), then sent as a bearer token to the data API and tRPC.
import { BOOTSTRAP_TOKEN_ENV } from '../auth/tokens';

export const TEST_API_TOKEN = 'tsk_test-admin-token-for-test-servers-only-0001';

/** Puts the test token in this process's environment (inherited by spawned servers). */
export function useTestApiToken(): void {
  process.env[BOOTSTRAP_TOKEN_ENV] = TEST_API_TOKEN;
}

export const TEST_AUTH_HEADERS: Readonly<Record<string, string>> = { authorization: `Bearer ${TEST_API_TOKEN}` };

/** fetch with the test token added to the headers. */
export function authedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...TEST_AUTH_HEADERS, ...(init.headers as Record<string, string> | undefined) } });
}
