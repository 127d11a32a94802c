// Signs in once as the admin (whose password the test server takes from the environment) and
// saves the session cookie for every test. Like a browser, it names its Origin: the server
// refuses a cookie sign-in or mutation without a same-origin Origin.
import { request, type FullConfig } from '@playwright/test';
import { E2E_ADMIN_PASSWORD, E2E_STORAGE_STATE } from './auth-state';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL;
  if (baseURL === undefined) throw new Error('playwright.config.ts sets no baseURL');
  const context = await request.newContext({ baseURL });
  const response = await context.post('/api/trpc/auth.login', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD }, headers: { 'x-tessera-csrf': '1', origin: baseURL } });
  if (!response.ok()) throw new Error(`e2e sign-in failed: ${response.status()} ${await response.text()}`);
  await context.storageState({ path: E2E_STORAGE_STATE });
  await context.dispose();
}
