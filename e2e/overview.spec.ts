import { expect, test } from '@playwright/test';

test('overview shows the real embedded cluster: 3 nodes x 4 VNs x 4 drives, online and healthy', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByLabel('availability')).toHaveText('online');
  await expect(page.getByLabel('redundancy')).toHaveText('healthy');
  await expect(page.getByLabel('Nodes up')).toHaveText('3 / 3');
  await expect(page.getByLabel('Virtual nodes', { exact: true })).toHaveText('12');
  await expect(page.getByLabel('Drives', { exact: true })).toHaveText('12');
  for (const nodeId of ['node-1', 'node-2', 'node-3']) {
    const card = page.getByRole('region', { name: `node ${nodeId}` });
    await expect(card.getByLabel(`${nodeId} state`)).toHaveText('up');
    await expect(card.getByRole('list', { name: `${nodeId} virtual nodes` }).getByRole('listitem')).toHaveCount(4);
    await expect(card.getByRole('table', { name: `${nodeId} drives` }).locator('tbody tr')).toHaveCount(4);
  }
});

test('the cluster id on the page is the one /healthz reports', async ({ page, request }) => {
  const health = await (await request.get('/healthz')).json() as { clusterId: string; status: string };
  expect(health.status).toBe('online');
  await page.goto('/');
  await expect(page.getByLabel('cluster id')).toHaveText(health.clusterId);
});

test('navigation links only to pages that exist', async ({ page, request }) => {
  await page.goto('/');
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  const hrefs = await links.evaluateAll((elements) => elements.map((e) => e.getAttribute('href') ?? ''));
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) expect((await request.get(href)).status(), href).toBe(200);
  await expect(page.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
});

test('dark mode follows the system colour scheme', async ({ browser }) => {
  const background = async (colorScheme: 'dark' | 'light'): Promise<string> => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    const colour = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await context.close();
    return colour;
  };
  const dark = await background('dark');
  const light = await background('light');
  expect(dark).not.toBe(light);
  const channels = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  // Tailwind 4 may report oklch(L C H): compare lightness, or the RGB sum for rgb().
  const lightness = (c: string): number => (c.startsWith('oklch') ? channels(c)[0] ?? 0 : channels(c).reduce((a, b) => a + b, 0) / 765);
  expect(lightness(dark)).toBeLessThan(lightness(light));
});

test('metrics are served in Prometheus text format', async ({ request }) => {
  const response = await request.get('/metrics');
  expect(response.status()).toBe(200);
  const text = await response.text();
  expect(text).toContain('tessera_cluster_online 1');
  expect(text).toMatch(/tessera_nodes\{state="up"\} 3/);
});
