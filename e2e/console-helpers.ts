// Small helpers shared by the console specs: calling a tRPC mutation as the signed-in browser
// (CSRF header and same-origin Origin, as the console does), and collecting console errors.
import type { Page } from '@playwright/test';

export async function trpcMutation(page: Page, baseURL: string, path: string, input: unknown): Promise<void> {
  const response = await page.request.post(`/api/trpc/${path}`, { data: input, headers: { 'x-tessera-csrf': '1', origin: baseURL } });
  if (!response.ok()) throw new Error(`${path}: ${response.status()} ${await response.text()}`);
}

/** Every console error and uncaught page error from now on. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
