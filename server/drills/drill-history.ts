// Drill history in the data directory: one JSON file per report under drills/, written
// atomically and 0600 like every file there; the newest DRILL_HISTORY_MAX are kept.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillReport } from '../../engine/drills/drill-report';
import { writeSecretFile } from '../auth/secure-file';

export const DRILL_HISTORY_MAX = 100;
/** Drill ids: sortable by start time, safe as file names. */
export const DRILL_ID_PATTERN = /^drill-\d{8}T\d{6}-[0-9a-f]{6}$/;

export interface DrillSummary {
  readonly id: string;
  readonly scenario: string;
  readonly mode: string;
  readonly seed: number | null;
  readonly startedAtEpochMs: number;
  readonly targets: readonly string[];
  readonly windowMsP50: number | null;
  readonly windowMsP99: number | null;
  readonly windowMsMax: number | null;
  readonly opsOk: number;
  readonly opsFailed: number;
  readonly ackedWritesLost: number;
  readonly linearizable: boolean | 'unknown';
  readonly passed: boolean;
}

export function summarize(report: DrillReport): DrillSummary {
  return {
    id: report.id, scenario: report.scenario, mode: report.mode, seed: report.seed, startedAtEpochMs: report.startedAtEpochMs, targets: report.targets,
    windowMsP50: report.windowMsP50, windowMsP99: report.windowMsP99, windowMsMax: report.windowMsMax,
    opsOk: report.opsOk, opsFailed: report.opsFailed, ackedWritesLost: report.ackedWritesLost, linearizable: report.linearizable, passed: report.passed,
  };
}

export class DrillHistory {
  private readonly dir: string;
  private summaries: DrillSummary[] | null = null;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'drills');
  }

  private ids(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((id) => DRILL_ID_PATTERN.test(id)).sort();
  }

  save(report: DrillReport): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeSecretFile(join(this.dir, `${report.id}.json`), JSON.stringify(report));
    const ids = this.ids();
    for (const old of ids.slice(0, Math.max(0, ids.length - DRILL_HISTORY_MAX))) rmSync(join(this.dir, `${old}.json`), { force: true });
    this.summaries = null;
  }

  get(id: string): DrillReport | undefined {
    if (!DRILL_ID_PATTERN.test(id)) return undefined;
    const path = join(this.dir, `${id}.json`);
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as DrillReport;
  }

  /** Newest first. */
  list(): DrillSummary[] {
    if (this.summaries === null) {
      const out: DrillSummary[] = [];
      for (const id of this.ids().reverse()) {
        try {
          const report = this.get(id);
          if (report !== undefined) out.push(summarize(report));
        } catch {
          // A damaged file is skipped, not fatal: the history is a convenience.
        }
      }
      this.summaries = out;
    }
    return this.summaries;
  }
}
