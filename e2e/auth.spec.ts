import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './auth-state';

/**
 * Types the password once React owns the form: text typed before hydration is lost when the
 * controlled input takes over (the button then stays disabled). The form says when it is
 * hydrated; a cold first page on a slow machine can take many seconds to get there.
 */
async function typePassword(page: Page, password: string): Promise<void> {
  await expect(page.locator('form[data-hydrated="true"]')).toBeVisible({ timeout: 60_000 });
  const button = page.getByRole('button', { name: 'Sign in' });
  await expect(async () => {
    await page.getByLabel('Password').fill(password);
    await expect(button).toBeEnabled({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}

test.use({ storageState: { cookies: [], origins: [] } });

// What the browser saw, printed when the test fails: a page that never hydrates is a script
// that failed to load or threw, and the failure should say which.
const seen: string[] = [];
test.beforeEach(({ page }) => {
  seen.length = 0;
  page.on('pageerror', (error) => seen.push(`pageerror: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') seen.push(`console: ${message.text()}`); });
  page.on('requestfailed', (request) => seen.push(`requestfailed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('response', (response) => { if (response.status() >= 400) seen.push(`response ${response.status()}: ${response.url()}`); });
});
test.afterEach(({ page: _page }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.error(`browser events:\n${seen.join('\n')}`);
});

test('a signed-out visitor is sent to sign in, a wrong password is refused, the right one returns to the page', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/slices');
  await expect(page).toHaveURL(/\/login\?next=%2Fslices/);
  await typePassword(page, 'not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'wrong username or password' })).toBeVisible();
  await typePassword(page, E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/slices$/);
  await expect(page.getByRole('heading', { name: 'Slice map' })).toBeVisible();
});
