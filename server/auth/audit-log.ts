// The audit log (docs/SECURITY.md): one JSON line per sign-in, sign-out, failure, state-changing
// call, token event and refusal, with actor, address, arguments and result. Bounded: the file
// rotates at AUDIT_FILE_BYTES_MAX into audit.log.1 .. audit.log.(AUDIT_FILES_KEPT - 1). Noisy
// repeats (rate-limited sign-ins, refusals, object writes) are summarised: the first of a kind
// is written, later ones within AUDIT_SUMMARY_WINDOW_MS are counted and written as one line
// with `repeats`.

import { appendFileSync, chmodSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_FILE_MODE } from './secure-file';

export const AUDIT_FILE_BYTES_MAX = 4 * 1024 * 1024;
/** audit.log plus this many minus one rotated files. */
export const AUDIT_FILES_KEPT = 3;
export const AUDIT_SUMMARY_WINDOW_MS = 60_000;
/** Kinds of repeat tracked at once; beyond this the oldest summary is written early. */
export const AUDIT_SUMMARY_KEYS_MAX = 1_000;
/** Entries one query answers at most. */
export const AUDIT_QUERY_LIMIT_MAX = 1_000;
/** An argument string longer than this is cut in the log (a key, a reason). */
export const AUDIT_ARG_CHARS_MAX = 256;

export interface AuditEntry {
  readonly time: string;
  readonly action: string;
  readonly actor: string | null;
  readonly address: string;
  readonly result: string;
  readonly args?: Record<string, unknown>;
  readonly repeats?: number;
  readonly since?: string;
}

export type AuditInput = Omit<AuditEntry, 'time' | 'repeats' | 'since'>;

export interface AuditFilter {
  readonly action?: string;
  readonly actor?: string;
  readonly result?: string;
  readonly text?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
}

interface Pending {
  readonly entry: AuditInput;
  readonly sinceMs: number;
  count: number;
}

function trimArgs(args: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (args === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (/password|secret|token/i.test(key)) continue;
    out[key] = typeof value === 'string' && value.length > AUDIT_ARG_CHARS_MAX ? `${value.slice(0, AUDIT_ARG_CHARS_MAX)}…` : value;
  }
  return out;
}

export class AuditLog {
  private readonly path: string;
  private bytes: number;
  private readonly pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout;

  constructor(dataDir: string, private readonly nowMs: () => number = () => Date.now(), private readonly fileBytesMax: number = AUDIT_FILE_BYTES_MAX) {
    this.path = join(dataDir, 'audit.log');
    this.bytes = existsSync(this.path) ? statSync(this.path).size : 0;
    if (existsSync(this.path)) chmodSync(this.path, SECRET_FILE_MODE);
    this.timer = setInterval(() => this.flushSummaries(false), AUDIT_SUMMARY_WINDOW_MS);
    this.timer.unref();
  }

  record(input: AuditInput, extra: { repeats?: number; since?: string } = {}): void {
    const args = trimArgs(input.args);
    const entry: AuditEntry = { time: new Date(this.nowMs()).toISOString(), action: input.action, actor: input.actor, address: input.address, result: input.result, ...(args === undefined ? {} : { args }), ...extra };
    const line = `${JSON.stringify(entry)}\n`;
    if (this.bytes + line.length > this.fileBytesMax && this.bytes > 0) this.rotate();
    appendFileSync(this.path, line, { mode: SECRET_FILE_MODE });
    this.bytes += Buffer.byteLength(line);
  }

  /** Records the first of a kind; counts the next ones of that kind for one summary line. */
  repeated(kind: string, input: AuditInput): void {
    const now = this.nowMs();
    const pending = this.pending.get(kind);
    if (pending !== undefined && now - pending.sinceMs < AUDIT_SUMMARY_WINDOW_MS) {
      pending.count++;
      return;
    }
    if (pending !== undefined) this.writeSummary(kind, pending);
    if (this.pending.size >= AUDIT_SUMMARY_KEYS_MAX) {
      const [oldestKind, oldest] = this.pending.entries().next().value ?? [];
      if (oldestKind !== undefined && oldest !== undefined) this.writeSummary(oldestKind, oldest);
    }
    this.record(input);
    this.pending.set(kind, { entry: input, sinceMs: now, count: 0 });
  }

  private writeSummary(kind: string, pending: Pending): void {
    this.pending.delete(kind);
    if (pending.count > 0) this.record({ ...pending.entry, result: `${pending.entry.result} (repeated)` }, { repeats: pending.count, since: new Date(pending.sinceMs).toISOString() });
  }

  /** Writes the summaries whose window has passed (all of them when `all`). */
  flushSummaries(all: boolean): void {
    const now = this.nowMs();
    for (const [kind, pending] of [...this.pending]) if (all || now - pending.sinceMs >= AUDIT_SUMMARY_WINDOW_MS) this.writeSummary(kind, pending);
  }

  close(): void {
    clearInterval(this.timer);
    this.flushSummaries(true);
  }

  private rotate(): void {
    for (let i = AUDIT_FILES_KEPT - 1; i >= 1; i--) {
      const from = i === 1 ? this.path : `${this.path}.${i - 1}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${i}`);
    }
    this.bytes = 0;
  }

  /** Entries matching `filter`, newest first, at most `limit`; pending summaries are written first. */
  query(filter: AuditFilter, limit: number): { entries: AuditEntry[]; truncated: boolean } {
    this.flushSummaries(true);
    const files = [];
    for (let i = AUDIT_FILES_KEPT - 1; i >= 1; i--) files.push(`${this.path}.${i}`);
    files.push(this.path);
    const matches: AuditEntry[] = [];
    for (const file of files) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line === '') continue;
        let entry: AuditEntry;
        try {
          entry = JSON.parse(line) as AuditEntry;
        } catch {
          continue;
        }
        if (matchesFilter(entry, filter, line)) matches.push(entry);
      }
    }
    matches.reverse();
    return { entries: matches.slice(0, limit), truncated: matches.length > limit };
  }
}

function matchesFilter(entry: AuditEntry, filter: AuditFilter, line: string): boolean {
  if (filter.action !== undefined && !entry.action.startsWith(filter.action)) return false;
  if (filter.actor !== undefined && entry.actor !== filter.actor) return false;
  if (filter.result !== undefined && !entry.result.startsWith(filter.result)) return false;
  const timeMs = Date.parse(entry.time);
  if (filter.fromMs !== undefined && timeMs < filter.fromMs) return false;
  if (filter.toMs !== undefined && timeMs > filter.toMs) return false;
  if (filter.text !== undefined && !line.toLowerCase().includes(filter.text.toLowerCase())) return false;
  return true;
}

export function auditToCsv(entries: readonly AuditEntry[]): string {
  const cell = (value: unknown): string => {
    const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = entries.map((e) => [e.time, e.action, e.actor, e.address, e.result, e.args, e.repeats, e.since].map(cell).join(','));
  return ['time,action,actor,address,result,args,repeats,since', ...rows].join('\n');
}
