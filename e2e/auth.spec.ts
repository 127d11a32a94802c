import { expect, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './auth-state';

test.use({ storageState: { cookies: [], origins: [] } });

test('a signed-out visitor is sent to sign in, a wrong password is refused, the right one returns to the page', async ({ page }) => {
  await page.goto('/slices');
  await expect(page).toHaveURL(/\/login\?next=%2Fslices/);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'wrong username or password' })).toBeVisible();
  await page.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/slices$/);
  await expect(page.getByRole('heading', { name: 'Slice map' })).toBeVisible();
});
