import { expect, test } from './own-server';

// These change the cluster's shape (a failed and replaced drive, a fourth node): each runs on a
// fresh 3-node server of its own, so neither depends on the other or on the order of the specs,
// and the shared server keeps the 3-node cluster the other specs were written for.

test('the drives page shows the drive model and MTTDL; a failed drive is re-protected, then replaced', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/drives');
  await expect(page.getByRole('heading', { name: 'Drives', exact: true })).toBeVisible();
  const table = page.getByRole('table', { name: 'drives' });
  await expect(table.locator('tbody tr')).toHaveCount(12);
  await expect(page.getByRole('region', { name: 'Mean time to data loss' })).toContainText('years');
  await expect(page.getByRole('region', { name: 'Mean time to data loss' })).toContainText('MTBF 2,000,000 h');

  const drive = 'node-3/drive-2';
  const row = table.locator('tbody tr').filter({ hasText: drive });
  page.once('dialog', (dialog) => { void dialog.accept(); });
  await page.getByRole('button', { name: `Fail ${drive}` }).click();
  await expect(row).toContainText('failed');
  // The slices on its VN failed over and were re-protected from peers: a window was measured.
  await expect(page.getByRole('region', { name: 'Re-protection windows' })).toContainText('s to two copies', { timeout: 30_000 });

  page.once('dialog', (dialog) => { void dialog.accept(drive); });
  await page.getByRole('button', { name: `Replace ${drive}` }).click();
  // The new drive is empty: it rebuilds (not "ok") until the rebalance has given its VN copies back.
  await expect(page.getByLabel(`${drive} state`)).toHaveText('rebuilding', { timeout: 30_000 });
  await page.goto('/operations');
  const recent = page.getByRole('table', { name: 'Recent operations' });
  await expect(recent.locator('tbody tr').filter({ hasText: 'rebalance' }).first()).toContainText('done', { timeout: 60_000 });
  await page.goto('/drives');
  await expect(page.getByLabel(`${drive} state`)).toHaveText('ok');
});

test('scale-out from the console: the preview gives moves against ideal, the form names a bad field, the operation runs to done', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/operations');
  const form = page.getByRole('form', { name: 'Scale out' });
  await form.getByLabel('Nodes to add').fill('0');
  await expect(page.getByRole('alert').filter({ hasText: 'Nodes to add: a whole number in 1..16' })).toBeVisible();
  await expect(form.getByRole('button', { name: 'Scale out' })).toBeDisabled();
  await form.getByLabel('Nodes to add').fill('1');
  await expect(page.getByLabel('Scale-out preview')).toContainText(/adds node-4; \d+ copy moves \(ideal 2048, ratio 1\.0\d\d\)/);

  page.once('dialog', (dialog) => { void dialog.accept(); });
  await form.getByRole('button', { name: 'Scale out' }).click();
  const recent = page.getByRole('table', { name: 'Recent operations' });
  await expect(recent.locator('tbody tr').filter({ hasText: 'scale-out node-4' })).toContainText('done', { timeout: 90_000 });
  // The preview plans again once the operation is over: the next node, and Scale out enabled.
  await expect(page.getByLabel('Scale-out preview')).toContainText(/adds node-5; \d+ copy moves/);
  await expect(form.getByRole('button', { name: 'Scale out' })).toBeEnabled();

  await page.goto('/');
  await expect(page.getByText('node-4').first()).toBeVisible();
  await page.goto('/slices');
  await expect(page.getByLabel('slices with two copies')).toHaveText('4096');
  // 4096 slices over 16 VNs: 256 of each role on every VN.
  await expect(page.getByLabel('primary spread')).toHaveText(/^[01]$/);
  await expect(page.getByLabel('secondary spread')).toHaveText(/^[01]$/);
});
