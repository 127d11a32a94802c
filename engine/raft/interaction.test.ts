// Runs the interaction scripts in testdata/: each block is a command line, `----`, and the
// expected output, blocks separated by a blank line. REWRITE=1 rewrites the expected output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RaftInteraction } from './interaction';

const dir = join(import.meta.dirname, 'testdata');
const rewrite = process.env['REWRITE'] === '1';

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  test(`raft interaction script ${file}`, () => {
    const blocks = readFileSync(join(dir, file), 'utf8').split(/\n\n(?=\S)/);
    const harness = new RaftInteraction();
    const rewritten: string[] = [];
    for (const block of blocks) {
      const [commandPart, expected = ''] = block.split('\n----\n');
      const commandLines = (commandPart ?? '').split('\n').filter((l) => !l.startsWith('#'));
      const comments = (commandPart ?? '').split('\n').filter((l) => l.startsWith('#'));
      const line = commandLines[0]?.trim() ?? '';
      if (line === '') continue;
      const [command, ...args] = line.split(/\s+/);
      const actual = harness.run(command!, args).trim();
      if (rewrite) rewritten.push([...comments, line, '----', actual].join('\n'));
      else assert.equal(actual, expected.trim(), `${file}: ${line}`);
    }
    if (rewrite) writeFileSync(join(dir, file), `${rewritten.join('\n\n')}\n`);
  });
}
