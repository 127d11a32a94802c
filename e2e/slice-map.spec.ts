import { expect, test } from '@playwright/test';

test('the slice map legend names every VN, the copy states, and the load scale', async ({ page }) => {
  await page.goto('/slices');
  const legend = page.getByRole('list', { name: 'legend' });
  await expect(legend.getByRole('listitem')).toHaveCount(12);
  await expect(legend).toContainText('node-1/vn-0');
  await page.getByLabel('Colour by').selectOption('state');
  await expect(legend.getByRole('listitem')).toHaveText(['2 copies', '1 copy', 'no copy']);
  await page.getByLabel('Colour by').selectOption('keys');
  await expect(page).toHaveURL(/colour=keys/);
  await expect(page.getByRole('img', { name: /coloured by keys/ })).toBeVisible();
  await expect(legend.getByRole('listitem').first()).toContainText(/^\d/);
});

test('a clicked slice stays pinned with its keys and bytes, is kept in the URL, and zoom scales the map', async ({ page }) => {
  await page.goto('/slices');
  const heatmap = page.getByRole('img', { name: /slice heatmap/ });
  await expect(heatmap).toBeVisible();
  await heatmap.click({ position: { x: 3, y: 3 } });
  const details = page.getByLabel('slice details');
  await expect(details).toContainText('(pinned)');
  await expect(page).toHaveURL(/slice=0/);
  await expect(page.getByLabel('slice keys')).toHaveText(/^\d+$/);
  await expect(page.getByLabel('slice bytes')).toHaveText(/^\d+(\.\d)? (B|kB|MB)$/);
  // Moving the mouse elsewhere does not change a pinned slice.
  await page.mouse.move(10, 10);
  await expect(page.getByLabel('slice id')).toHaveText('0 (pinned)');
  await page.getByLabel('Pin slice').fill('17');
  await page.getByLabel('Pin slice').press('Enter');
  await expect(page).toHaveURL(/slice=17/);
  await expect(page.getByLabel('slice id')).toHaveText('17 (pinned)');
  await expect(details.getByRole('link', { name: 'Browse its keys' })).toHaveAttribute('href', '/data?container=default&slice=17');

  const width = async (): Promise<number> => (await heatmap.boundingBox())?.width ?? 0;
  const before = await width();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(page).toHaveURL(/zoom=2/);
  await expect(page.getByLabel('zoom level')).toHaveText('2×');
  expect(await width()).toBeCloseTo(before * 2, -1);
  await page.getByRole('button', { name: 'Unpin' }).click();
  await expect(page).not.toHaveURL(/slice=/);
});

test('the data explorer lists the keys of one slice, as stored on its primary', async ({ page }) => {
  await page.goto('/data?container=default&slice=5');
  await expect(page.getByLabel('slice listing')).toContainText(/Keys of slice 5 as stored on node-\d\/vn-\d/);
  await page.getByRole('button', { name: 'All keys' }).click();
  await expect(page).not.toHaveURL(/slice=/);
});
