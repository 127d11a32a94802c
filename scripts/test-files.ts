// Finds the node:test suites: every *.test.ts under the source directories (not e2e/, which
// Playwright runs). Sorted, so runs are reproducible.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_ROOTS = ['engine', 'server', 'scripts', 'bench', 'components'] as const;

export function findTestFiles(rootDir: string): string[] {
  const files: string[] = [];
  for (const root of TEST_ROOTS) {
    let entries: string[];
    try {
      entries = readdirSync(join(rootDir, root), { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.endsWith('.test.ts') && !entry.split('/').includes('node_modules')) files.push(join(root, entry));
    }
  }
  return files.sort();
}
