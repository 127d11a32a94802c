// Runs every node:test suite (unit, property, simulation, server) with tsx, printing the spec
// report and writing TAP to a file so the totals can be counted. Extra arguments filter files by
// substring: `npm run test:unit -- placement`.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findTestFiles } from './test-files';

export interface SuiteCounts {
  readonly passed: number;
  readonly failed: number;
}

/** Two files at a time: this machine has 2 cores and most suites are CPU bound. */
export const NODE_TEST_CONCURRENCY = 2;
/** A single test file that runs longer than this is broken, not slow. */
export const NODE_TEST_FILE_TIMEOUT_MS = 300_000;

export function runNodeTests(rootDir: string, filters: readonly string[], tapPath: string): SuiteCounts {
  const files = findTestFiles(rootDir).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  if (files.length === 0) {
    console.log('no node:test files matched');
    return { passed: 0, failed: filters.length > 0 ? 1 : 0 };
  }
  const result = spawnSync(process.execPath, [
    '--import', 'tsx', '--test',
    `--test-concurrency=${NODE_TEST_CONCURRENCY}`, `--test-timeout=${NODE_TEST_FILE_TIMEOUT_MS}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapPath}`,
    ...files,
  ], { cwd: rootDir, stdio: 'inherit' });
  let tap = '';
  try {
    tap = readFileSync(tapPath, 'utf8');
  } catch {
    // No TAP at all means the runner itself failed.
  }
  const count = (label: string): number => {
    const matches = [...tap.matchAll(new RegExp(`^# ${label} (\\d+)$`, 'gm'))];
    const last = matches[matches.length - 1];
    return last === undefined ? 0 : Number(last[1]);
  };
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  // A crashed runner with no recorded failure still fails the suite.
  return { passed, failed: result.status !== 0 && failed === 0 ? 1 : failed };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const counts = runNodeTests(process.cwd(), process.argv.slice(2), '.tmp/node-tests.tap');
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed === 0 ? 0 : 1);
}
