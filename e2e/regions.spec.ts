import { expect, test } from '@playwright/test';

test('the Regions page says a cluster without a region block runs alone, with no console errors', async ({ page }) => {
  const errors: string[] = [];
  // Resource failures are recorded with their URL (the console message has none).
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text()); });
  page.on('response', (response) => { if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`); });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/regions');
  await expect(page.getByRole('heading', { name: 'Regions' })).toBeVisible();
  await expect(page.getByText('This cluster runs alone')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Regions' })).toHaveAttribute('aria-current', 'page');
  expect(errors).toEqual([]);
});
