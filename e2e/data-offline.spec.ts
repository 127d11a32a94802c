import { expect, test } from './own-server';
import { trpcMutation } from './console-helpers';

// Takes the cluster offline: on a server of its own.
test('while the cluster is offline the data explorer says so at once and shows the refusal, not a blank page', async ({ page, baseURL }) => {
  await trpcMutation(page, baseURL ?? '', 'operations.setSettings', { autoOnlineTimeoutSeconds: 0 });
  await trpcMutation(page, baseURL ?? '', 'operations.clusterOffline', { reason: 'e2e data offline' });
  const startedMs = Date.now();
  await page.goto('/data');
  await expect(page.getByRole('alert', { name: 'cluster offline' })).toContainText('The cluster is offline');
  // The key listing's 503 arrives at once (not after the client's ~10 s deadline), with Retry.
  const refusal = page.getByRole('alert').filter({ hasText: 'Could not load keys' });
  await expect(refusal).toContainText('offline', { timeout: 5_000 });
  await expect(refusal.getByRole('button', { name: 'Retry' })).toBeVisible();
  test.info().annotations.push({ type: 'offline state shown (ms)', description: String(Date.now() - startedMs) });
  await trpcMutation(page, baseURL ?? '', 'operations.clusterOnline', { reason: 'e2e data offline done' });
  await refusal.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('alert', { name: 'cluster offline' })).toHaveCount(0, { timeout: 10_000 });
});
