import { expect, test } from '@playwright/test';

// Refused confirmations change nothing, so the shared server is fine.
test('a wrong name typed to confirm a decommission says it does not match, and nothing happens', async ({ page }) => {
  await page.goto('/operations');
  const nodes = page.getByRole('table', { name: 'nodes' });
  await expect(nodes.locator('tbody tr')).toHaveCount(3);
  page.once('dialog', (dialog) => { void dialog.accept('node-9'); });
  await page.getByRole('button', { name: 'Decommission node-3' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '"node-9" does not match node-3; nothing was done' })).toBeVisible();
  await expect(nodes.locator('tbody tr').filter({ hasText: 'node-3' })).not.toContainText('draining');
});

test('a wrong name typed to confirm a drive replacement says it does not match', async ({ page }) => {
  await page.goto('/drives');
  await expect(page.getByRole('table', { name: 'drives' }).locator('tbody tr')).toHaveCount(12);
  page.once('dialog', (dialog) => { void dialog.accept('node-1/drive-9'); });
  await page.getByRole('button', { name: 'Replace node-1/drive-0' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'does not match node-1/drive-0' })).toBeVisible();
});

test('rebalance, slow, errors and bring online ask first; dismissing changes nothing', async ({ page }) => {
  await page.goto('/operations');
  await expect(page.getByLabel('Rebalance preview')).toContainText(/balanced|copy moves/);
  const questions: string[] = [];
  page.on('dialog', (dialog) => { questions.push(dialog.message()); void dialog.dismiss(); });
  await page.getByRole('button', { name: 'Rebalance' }).click();
  await expect.poll(() => questions.length).toBe(1);
  expect(questions[0]).toMatch(/^Rebalance\?/);
  await page.goto('/drives');
  await page.getByRole('button', { name: 'Slow node-1/drive-0' }).click();
  await page.getByRole('button', { name: 'Errors on node-1/drive-0' }).click();
  await expect.poll(() => questions.length).toBe(3);
  expect(questions[1]).toMatch(/^Slow node-1\/drive-0/);
  expect(questions[2]).toMatch(/damaged data/);
  await expect(page.getByRole('table', { name: 'drives' }).locator('tbody tr').filter({ hasText: 'node-1/drive-0' })).not.toContainText('slow');
});
