// bench/results/: `latest.json` (the last run) and one `YYYY-MM-DDTHH-MM-SSZ.json` per run, kept
// so a run can be compared with the previous run of the same mode.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from '../server/index';
import type { BenchResults } from './results';

export const RESULTS_DIR = join(ROOT_DIR, 'bench', 'results');
const RUN_FILE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.json$/;

export function runFileName(startedAt: string): string {
  return `${startedAt.slice(0, 19).replace(/:/g, '-')}Z.json`;
}

/** The newest kept run of `mode`, or null. Unreadable files are passed over. */
export function previousRun(mode: BenchResults['mode']): BenchResults | null {
  let files: string[];
  try { files = readdirSync(RESULTS_DIR).filter((f) => RUN_FILE.test(f)).sort().reverse(); } catch { return null; }
  for (const file of files) {
    try {
      const run = JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8')) as Partial<BenchResults>;
      if (run.version === 1 && run.mode === mode) return run as BenchResults;
    } catch {
      // a hand-edited or truncated file: not a run to compare with
    }
  }
  return null;
}

/** Writes the run as latest.json and as its own dated file; returns the dated file's path. */
export function saveRun(run: BenchResults): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const text = `${JSON.stringify(run, null, 2)}\n`;
  const dated = join(RESULTS_DIR, runFileName(run.startedAt));
  writeFileSync(dated, text);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), text);
  return dated;
}
