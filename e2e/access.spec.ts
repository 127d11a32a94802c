import { expect, test } from '@playwright/test';

// An admin creates an API token (the secret is shown once) and a viewer account; the viewer,
// signed in in a fresh browser, sees the cluster but every action is refused or disabled.
test('an admin creates a token and a viewer; the viewer sees but cannot act', async ({ page, browser, baseURL }) => {
  const suffix = String(Date.now() % 1_000_000);
  await page.goto('/access');
  await expect(page.getByRole('heading', { name: 'Users & access' })).toBeVisible();
  await page.getByLabel('Token name').fill(`e2e-${suffix}`);
  await page.getByLabel('Token role').selectOption('viewer');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = page.getByLabel('New token secret');
  await expect(secret).toHaveText(/^tsk_[A-Za-z0-9_-]{43}$/);
  const token = (await secret.textContent()) ?? '';
  await expect(page.getByRole('row', { name: `Token e2e-${suffix}` })).toContainText('viewer');
  await expect(page.getByRole('row', { name: `Token e2e-${suffix}` })).not.toContainText(token);
  // The token works for a program, read-only.
  const read = await page.request.get('/api/v1/containers', { headers: { authorization: `Bearer ${token}` } });
  expect(read.status()).toBe(200);
  const write = await page.request.put('/api/v1/containers/default/objects/by-viewer-token', { headers: { authorization: `Bearer ${token}` }, data: 'x' });
  expect(write.status()).toBe(403);

  const viewer = `viewer-${suffix}`;
  await page.getByLabel('User name').fill(viewer);
  await page.getByLabel('User role').selectOption('viewer');
  await page.getByLabel('User password').fill('viewer-password-1');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('row', { name: `User ${viewer}` })).toContainText('enabled');

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, ...(baseURL === undefined ? {} : { baseURL }) });
  const other = await context.newPage();
  await other.goto('/login?next=%2Foperations');
  // Typed text is lost if it lands before React owns the form (see auth.spec.ts).
  await expect(other.locator('form[data-hydrated="true"]')).toBeVisible({ timeout: 60_000 });
  await other.getByLabel('Username').fill(viewer);
  await other.getByLabel('Password').fill('viewer-password-1');
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/operations$/);
  await expect(other.getByText('Operations need the operator role.')).toBeVisible();
  await expect(other.getByRole('button', { name: 'Take cluster offline' })).toBeDisabled();
  await other.goto('/data');
  await other.getByLabel('Key', { exact: true }).fill(`viewer-${suffix}`);
  await other.getByLabel('Value', { exact: true }).fill('nope');
  await other.getByRole('button', { name: 'Put object' }).click();
  await expect(other.getByRole('form', { name: 'Put object' }).getByRole('alert')).toContainText('needs the operator role');
  await other.goto('/access');
  await expect(other.getByText('needs the admin role')).toBeVisible();
  await context.close();
});
