// A small flag parser for the tessera command: `--name value` and `--flag`, with clear errors
// naming the flag. Unknown flags are errors, not silently ignored.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  readonly [name: string]: 'string' | 'boolean';
}

export function parseFlags(argv: readonly string[], spec: FlagSpec): { flags: Map<string, string | true>; positionals: string[] } {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown flag --${name}`);
    if (kind === 'boolean') {
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, positionals };
}

export function intFlag(flags: Map<string, string | true>, name: string, fallback: number, min: number, max: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}, got ${String(raw)}`);
  return value;
}

export function stringFlag(flags: Map<string, string | true>, name: string, fallback: string): string {
  const raw = flags.get(name);
  return typeof raw === 'string' ? raw : fallback;
}
