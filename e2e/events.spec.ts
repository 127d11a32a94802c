import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expect as ownExpect, test as ownServerTest } from './own-server';
import { trpcMutation } from './console-helpers';

test('events filter by severity, code, subject and time range, all kept in the URL', async ({ page }) => {
  await page.goto('/events');
  const table = page.getByRole('table', { name: 'events' });
  await expect(table).toContainText('cluster.bootstrapped');
  await page.getByLabel('Event code').fill('container');
  await page.getByLabel('Subject').fill('default');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/code=container/);
  await expect(page).toHaveURL(/subject=default/);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table).toContainText('container.created');
  await expect(page.getByLabel('matching count')).toHaveText('1 matching');

  // The same link reproduces the view; a time range that ends before the cluster existed matches nothing.
  await page.goto('/events?code=container&from=2001-01-01T00:00&to=2001-01-01T01:00');
  await expect(page.getByLabel('Event code')).toHaveValue('container');
  await expect(page.getByLabel('matching count')).toHaveText('0 matching');
  await expect(table.locator('tbody tr')).toHaveCount(0);

  await page.goto('/events?severity=critical');
  await expect(page.getByLabel('Severity')).toHaveValue('critical');
  await expect(table).not.toContainText('cluster.bootstrapped');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(table).toContainText('cluster.bootstrapped');
  await expect(page).not.toHaveURL(/severity=/);
});

test('events export as CSV and JSON with the page filter', async ({ page }) => {
  await page.goto('/events?code=cluster.bootstrapped');
  await expect(page.getByLabel('matching count')).toHaveText('1 matching');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(csv.suggestedFilename()).toBe('tessera-events.csv');
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines[0]).toBe('time_utc,index,severity,code,subject_kind,subject_id,actor,message');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,.*cluster\.bootstrapped/);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const events = JSON.parse(readFileSync(await json.path(), 'utf8')) as Array<{ code: string; timeUtc: string }>;
  expect(events.map((e) => e.code)).toEqual(['cluster.bootstrapped']);
});

test('older pages are reached by cursor (kept in the URL), and a bad link value is named, not sent', async ({ page }) => {
  const input = encodeURIComponent(JSON.stringify({ pageSize: 2, cursor: null }));
  const newest = await (await page.request.get(`/api/trpc/events.query?input=${input}`)).json() as { result: { data: { events: Array<{ index: number; seq: number; message: string }> } } };
  const [first, second] = newest.result.data.events;
  expect(second).toBeDefined();
  // The page after the newest event: the older page starts with the second newest.
  await page.goto(`/events?cursor=${first?.index ?? 0}.${first?.seq ?? 0}`);
  const rows = page.getByRole('table', { name: 'events' }).locator('tbody tr');
  await expect(rows.first()).toContainText(second?.message ?? '');
  await expect(page.getByLabel('events summary')).toContainText('older page');
  await page.getByRole('button', { name: 'Newest events' }).click();
  await expect(page).not.toHaveURL(/cursor=/);
  await expect(rows.first()).toContainText(first?.message ?? '');

  await page.goto('/events?severity=loud');
  await expect(page.getByRole('alert').filter({ hasText: 'Ignored in the link: severity' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'events' })).toContainText('cluster.bootstrapped');
});

// A new event is made (a setting changed): on a server of its own.
ownServerTest('the live tail shows a new event at the top within moments, without polling', async ({ page, baseURL }) => {
  await page.goto('/events?live=1&code=settings');
  await ownExpect(page.getByLabel('live tail status')).toHaveText(/live/);
  await ownExpect(page.getByLabel('matching count')).toHaveText('0 matching');
  await trpcMutation(page, baseURL ?? '', 'operations.setSettings', { autoOnlineTimeoutSeconds: 77 });
  const live = page.getByRole('table', { name: 'events' }).locator('tbody tr[data-live="true"]');
  await ownExpect(live).toHaveCount(1, { timeout: 5_000 });
  await ownExpect(live).toContainText('autoOnlineTimeoutSeconds changed from 600 to 77');
  await ownExpect(page.getByLabel('matching count')).toHaveText('1 matching');
  // An event the filter excludes does not appear.
  await trpcMutation(page, baseURL ?? '', 'operations.clusterOffline', { reason: 'e2e tail' });
  await trpcMutation(page, baseURL ?? '', 'operations.clusterOnline', { reason: 'e2e tail' });
  await page.waitForTimeout(1_000);
  await ownExpect(live).toHaveCount(1);
});
