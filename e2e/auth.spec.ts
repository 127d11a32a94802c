import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './auth-state';

/**
 * Types the password once the form listens: text typed before React hydrates the page is lost
 * when the controlled input takes over (the button then stays disabled), so type until it shows.
 */
async function typePassword(page: Page, password: string): Promise<void> {
  const button = page.getByRole('button', { name: 'Sign in' });
  await expect(async () => {
    await page.getByLabel('Password').fill(password);
    await expect(button).toBeEnabled({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}

test.use({ storageState: { cookies: [], origins: [] } });

test('a signed-out visitor is sent to sign in, a wrong password is refused, the right one returns to the page', async ({ page }) => {
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
