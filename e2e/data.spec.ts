import { expect, test } from '@playwright/test';

test('the data explorer puts, lists, opens and conditionally updates an object', async ({ page }) => {
  const key = `e2e-${Date.now()}`;
  await page.goto('/data');
  await expect(page.getByRole('heading', { name: 'Data explorer' })).toBeVisible();
  await expect(page.getByLabel('Container', { exact: true })).toHaveValue('default');

  await page.getByLabel('Key', { exact: true }).fill(key);
  await page.getByLabel('Value', { exact: true }).fill('hello tessera');
  await page.getByRole('button', { name: 'Put object' }).click();
  await expect(page.getByRole('status')).toHaveText('Stored version 1');

  await page.getByLabel('Key prefix').fill(key);
  await page.getByRole('button', { name: 'List keys' }).click();
  await expect(page).toHaveURL(new RegExp(`prefix=${key}`));
  await page.getByRole('button', { name: key }).click();
  await expect(page.getByLabel('Object value')).toHaveText('hello tessera');
  await expect(page.getByRole('region', { name: 'Object' })).toContainText('Version 1');

  // Compare-and-set: succeeds at the current version, fails once it moved on.
  await page.getByLabel('Value', { exact: true }).fill('second');
  await page.getByLabel('Expected version (optional)').fill('1');
  await page.getByRole('button', { name: 'Put object' }).click();
  await expect(page.getByRole('status')).toHaveText('Stored version 2');
  await expect(page.getByLabel('Object value')).toHaveText('second');
  await page.getByRole('button', { name: 'Put object' }).click();
  await expect(page.getByRole('form', { name: 'Put object' }).getByRole('alert')).toContainText('the object is at version 2');
});
