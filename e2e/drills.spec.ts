import { expect, test } from '@playwright/test';

// A rehearsal runs in the simulator and changes nothing in the cluster (it only adds a report to
// the drill history), so it may use the shared server.
test('a node-kill rehearsal run from the Drills page shows its report: 0 lost, linearizable, windows', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/drills');
  await expect(page.getByRole('heading', { name: 'Failover drills', exact: true })).toBeVisible();
  await expect(page.getByLabel('Scenario')).toContainText('Node kill');
  await page.getByLabel('Scenario').selectOption('node-kill');
  await page.getByLabel('Rehearsal (simulator)').check();
  await page.getByLabel('Duration (s)').fill('1');
  await page.getByLabel('Seed (empty: random)').fill('7');
  await page.getByLabel('Clients').fill('2');
  await page.getByLabel('Keys').fill('16');
  await page.getByRole('button', { name: 'Run rehearsal' }).click();
  const report = page.getByRole('region', { name: /^Report drill-/ });
  await expect(report).toBeVisible({ timeout: 100_000 });
  await expect(report).toContainText('node-kill (rehearsal, seed 7)');
  await expect(report.getByTestId('acked-lost')).toHaveText(/^0 of \d+/);
  await expect(report.getByTestId('linearizable')).toHaveText('true');
  await expect(report.getByTestId('window-p99')).toHaveText(/^\d+ ms$/);
  await expect(report.getByRole('list', { name: 'Timeline' })).toContainText('fault-injected');
  await expect(page.getByRole('region', { name: 'Drill history' })).toContainText('node-kill');
});

test('a live drill needs the cluster name typed before it can run', async ({ page }) => {
  await page.goto('/drills');
  await page.getByLabel('Live (this cluster)').check();
  const run = page.getByRole('button', { name: 'Run live drill' });
  await expect(run).toBeDisabled();
  await page.getByLabel('Cluster name to confirm').fill('not-the-name');
  await expect(run).toBeDisabled();
});
