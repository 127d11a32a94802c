import { expect, test } from '@playwright/test';
import { collectConsoleErrors } from './console-helpers';

// Every page in light and dark colour scheme: the page renders real data, logs no console error,
// and a full-page screenshot is attached to the test (test-results/, the HTML report).
const PAGES = [
  { path: '/', heading: 'Overview', ready: 'Nodes up' },
  { path: '/slices', heading: 'Slice map', ready: 'container summary' },
  { path: '/drives', heading: 'Drives', ready: 'node-1/drive-0 state' },
  { path: '/data', heading: 'Data explorer', ready: null },
  { path: '/events', heading: 'Events', ready: 'matching count' },
  { path: '/control-plane', heading: 'Control plane', ready: 'raft leader' },
  { path: '/operations', heading: 'Operations', ready: 'Scale-out preview' },
  { path: '/access', heading: 'Users & access', ready: null },
] as const;

for (const scheme of ['light', 'dark'] as const) {
  for (const { path, heading, ready } of PAGES) {
    test(`${path} in ${scheme}: renders with no console error, screenshot attached`, async ({ page }, testInfo) => {
      await page.emulateMedia({ colorScheme: scheme });
      const errors = collectConsoleErrors(page);
      const startedMs = Date.now();
      await page.goto(path);
      await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
      if (ready !== null) await expect(page.getByLabel(ready, { exact: true }).first()).toBeVisible();
      const firstContentMs = Date.now() - startedMs;
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      testInfo.annotations.push({ type: 'first content (ms)', description: String(firstContentMs) });
      const file = testInfo.outputPath(`${path === '/' ? 'overview' : path.slice(1)}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(`${path} ${scheme}`, { path: file, contentType: 'image/png' });
      expect(errors).toEqual([]);
    });
  }
}
