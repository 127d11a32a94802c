import { expect, test } from '@playwright/test';

test('the control plane page shows the Raft group with one leader and three voters', async ({ page }) => {
  await page.goto('/control-plane');
  await expect(page.getByRole('heading', { name: 'Control plane' })).toBeVisible();
  await expect(page.getByLabel('raft leader')).toHaveText(/^node-[123]$/);
  const rows = page.getByRole('table', { name: 'raft members' }).locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'leader' })).toHaveCount(1);
});

test('the events page lists the bootstrap events and filters by search text, kept in the URL', async ({ page }) => {
  await page.goto('/events');
  const table = page.getByRole('table', { name: 'events' });
  await expect(table).toContainText('cluster.bootstrapped');
  await expect(table).toContainText('container.created');
  await page.getByLabel('Search events').fill('container default');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=container\+default|q=container%20default/);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table).toContainText('container default created with 4096 slices');
});

test('events export as CSV with a header and UTC times', async ({ request }) => {
  const input = encodeURIComponent(JSON.stringify({ format: 'csv' }));
  const body = await (await request.get(`/api/trpc/events.export?input=${input}`)).json() as { result: { data: { content: string } } };
  const lines = body.result.data.content.trim().split('\n');
  expect(lines[0]).toBe('time_utc,index,severity,code,subject_kind,subject_id,actor,message');
  expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,/);
});
