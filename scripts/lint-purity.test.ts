// Proves the engine purity fence: code planted in engine/ that reads the wall clock, uses
// ambient randomness or timers, or imports Node fails lint; the same code outside engine/ passes
// these rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const rootDir = join(import.meta.dirname, '..');

async function lintPlanted(relativePath: string, source: string): Promise<string[]> {
  const path = join(rootDir, relativePath);
  writeFileSync(path, source);
  try {
    const eslint = new ESLint({ cwd: rootDir });
    const [result] = await eslint.lintFiles([path]);
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
  } finally {
    rmSync(path, { force: true });
  }
}

const PLANTED = [
  "import { readFileSync } from 'node:fs';",
  'export const plantedNowMs: number = Date.now();',
  'export const plantedRandom: number = Math.random();',
  'export const plantedTimer = setTimeout(() => undefined, 1);',
  'export const plantedFile = readFileSync;',
  '',
].join('\n');

test('a planted Date.now(), Math.random(), timer and node: import in engine/ each fail lint', async () => {
  const messages = await lintPlanted('engine/__planted_purity_check__.ts', PLANTED);
  const text = messages.join('\n');
  assert.match(text, /no-restricted-properties: .*Date\.now.*wall clock/);
  assert.match(text, /no-restricted-properties: .*Math\.random.*seeded/);
  assert.match(text, /no-restricted-globals: .*setTimeout/);
  assert.match(text, /no-restricted-imports: .*node:fs/);
});

test('the same code outside engine/ is not fenced', async () => {
  const messages = await lintPlanted('server/__planted_purity_check__.ts', PLANTED);
  assert.equal(messages.filter((m) => /no-restricted-(properties|globals|imports)/.test(m)).length, 0, messages.join('\n'));
});
