import { expect, test } from '@playwright/test';
import { test as ownServerTest } from './own-server';

// Takes the cluster offline and changes a setting: on a server of its own, so no other test
// sees a cluster that was offline or a changed timeout.
ownServerTest('with a 5 s auto-online timeout, a cluster taken offline comes back online by itself and the events say so', async ({ page }) => {
  await page.goto('/operations');
  await expect(page.getByRole('heading', { name: 'Operations', exact: true })).toBeVisible();
  const timeout = page.getByLabel('Auto-online timeout (seconds, 0 disables)');
  await timeout.fill('5');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
  await expect(timeout).toHaveValue('5');

  await page.getByLabel('Reason').fill('e2e drill');
  page.once('dialog', (dialog) => { void dialog.accept(); });
  await page.getByRole('button', { name: 'Take cluster offline' }).click();
  const state = page.getByRole('region', { name: 'Cluster state' });
  await expect(state).toContainText('offline');
  await expect(state).toContainText('online', { timeout: 20_000 });
  await expect(state).not.toContainText('offline: e2e drill');

  await page.goto('/events');
  await expect(page.getByText(/auto-online after 5 s offline/).first()).toBeVisible();
  await expect(page.getByText(/cluster offline: e2e drill/).first()).toBeVisible();
});

// Refused, so nothing changes: the shared server is fine.
test('an invalid setting is refused with the field and the allowed range', async ({ page }) => {
  await page.goto('/operations');
  await page.getByLabel('Heartbeat interval (ms)').fill('5');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('form', { name: 'Settings' }).getByRole('alert')).toContainText('heartbeatIntervalMs');
});
