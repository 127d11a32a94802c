import { expect, test } from '@playwright/test';

test('the slice map shows the default container: 4096 slices, all with two copies, balanced roles', async ({ page }) => {
  await page.goto('/slices');
  await expect(page.getByRole('heading', { name: 'Slice map' })).toBeVisible();
  await expect(page.getByLabel('Container', { exact: true })).toHaveValue('default');
  await expect(page.getByLabel('container summary')).toContainText('4096 slices');
  await expect(page.getByLabel('slices with two copies')).toHaveText('4096');
  await expect(page.getByRole('img', { name: /slice heatmap of 4096 slices/ })).toBeVisible();
  // 4096 slices over 12 VNs: 341 or 342 of each role per VN.
  await expect(page.getByLabel('primary spread')).toHaveText(/^[01]$/);
  await expect(page.getByLabel('secondary spread')).toHaveText(/^[01]$/);
  const matrix = page.getByRole('table', { name: 'VN pairing matrix' });
  await expect(matrix.locator('tbody tr')).toHaveCount(12);
});

test('hovering a slice shows its primary, secondary and epoch; the colouring is kept in the URL', async ({ page }) => {
  await page.goto('/slices');
  const heatmap = page.getByRole('img', { name: /slice heatmap/ });
  await expect(heatmap).toBeVisible();
  await heatmap.click({ position: { x: 3, y: 3 } });
  const details = page.getByLabel('slice details');
  await expect(details).toContainText('slice0 (pinned)');
  await expect(details).toContainText(/primary\s*node-\d\/vn-\d/);
  await expect(details).toContainText(/epoch\s*1/);
  await page.getByLabel('Colour by').selectOption('state');
  await expect(page).toHaveURL(/colour=state/);
  await expect(page.getByRole('img', { name: /coloured by state/ })).toBeVisible();
});

test('the overview shows primary and secondary counts per VN', async ({ page }) => {
  await page.goto('/');
  const primaries = page.getByLabel('node-1/vn-0 primaries');
  await expect(primaries).toHaveText(/^P 34[12]$/);
  await expect(page.getByLabel('node-1/vn-0 secondaries')).toHaveText(/^S 34[12]$/);
  await expect(page.getByLabel('Slices with 2 copies')).toHaveText('4096');
});
