// `npm test`: types, lint, every node:test suite (unit, property, simulation, server, crash) and
// the Playwright e2e, in that order. Prints a summary per suite and ends with one line
// `N passed, N failed` counting every test, which CI reads.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './chromium';
import { runNodeTests, type SuiteCounts } from './run-node-tests';

const rootDir = process.cwd();
const tmpDir = join(rootDir, '.tmp');
mkdirSync(tmpDir, { recursive: true });
const results: Array<{ suite: string; counts: SuiteCounts; seconds: number }> = [];

function banner(title: string): void {
  console.log(`\n━━━ ${title} ${'━'.repeat(Math.max(0, 70 - title.length))}`);
}

function timed(suite: string, run: () => SuiteCounts): void {
  banner(suite);
  const startedAtMs = performance.now();
  const counts = run();
  results.push({ suite, counts, seconds: (performance.now() - startedAtMs) / 1000 });
}

function tool(bin: string, args: readonly string[]): SuiteCounts {
  const result = spawnSync(process.execPath, [join(rootDir, 'node_modules', ...bin.split('/')), ...args], { cwd: rootDir, stdio: 'inherit' });
  return result.status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

function e2e(): SuiteCounts {
  if (process.env['TESSERA_SKIP_E2E'] === '1') {
    console.log('e2e skipped (TESSERA_SKIP_E2E=1)');
    return { passed: 0, failed: 0 };
  }
  if (!ensureChromium((line) => console.log(line))) return { passed: 0, failed: 1 };
  const jsonPath = join(tmpDir, 'e2e-results.json');
  rmSync(jsonPath, { force: true });
  const result = spawnSync(process.execPath, [join(rootDir, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--reporter=list,json'], {
    cwd: rootDir, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonPath },
  });
  try {
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number } };
    const failed = report.stats.unexpected + (result.status !== 0 && report.stats.unexpected === 0 ? 1 : 0);
    return { passed: report.stats.expected + report.stats.flaky, failed };
  } catch {
    return { passed: 0, failed: 1 };
  }
}

timed('types (tsc --noEmit)', () => tool('typescript/bin/tsc', ['--noEmit', '-p', 'tsconfig.json']));
timed('lint (eslint, engine purity)', () => tool('eslint/bin/eslint.js', ['--max-warnings', '0', '.']));
timed('node:test suites', () => runNodeTests(rootDir, [], join(tmpDir, 'node-tests.tap')));
timed('console e2e (playwright)', e2e);

banner('summary');
let passed = 0;
let failed = 0;
for (const r of results) {
  passed += r.counts.passed;
  failed += r.counts.failed;
  console.log(`${r.counts.failed === 0 ? 'ok  ' : 'FAIL'} ${r.suite.padEnd(34)} ${String(r.counts.passed).padStart(5)} passed ${String(r.counts.failed).padStart(4)} failed  ${r.seconds.toFixed(1).padStart(6)} s`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
