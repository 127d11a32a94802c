// The phases every system runs, in order, with the same load generator: the key space loaded
// once, then puts and gets of 1 KiB values at concurrency 1, 16 and 128, and 64 KiB puts.

import type { BenchMode } from './modes';
import type { PhaseSpec } from './protocol';

export const SMALL_VALUE_BYTES = 1024;
export const LARGE_VALUE_BYTES = 65_536;
export const CONCURRENCIES = [1, 16, 128] as const;
/** Concurrency of loads (the key space before the gets, the large run). */
export const LOAD_CONCURRENCY = 128;
/** Concurrency of 64 KiB puts and of the large run's puts and gets. */
export const LARGE_VALUE_CONCURRENCY = 16;
export const LARGE_RUN_CONCURRENCY = 16;

export const phaseName = {
  put: (c: number): string => `put-1k-c${c}`,
  get: (c: number): string => `get-1k-c${c}`,
  put64k: `put-64k-c${LARGE_VALUE_CONCURRENCY}`,
  load: 'load-1k',
  largeLoad: 'large-load-1k',
  largePut: `large-put-1k-c${LARGE_RUN_CONCURRENCY}`,
  largeGet: `large-get-1k-c${LARGE_RUN_CONCURRENCY}`,
} as const;

function timed(mode: BenchMode, name: string, op: 'put' | 'get', concurrency: number, valueBytes: number, keyPrefix: string, keyCount: number): PhaseSpec {
  return { name, op, concurrency, valueBytes, keyPrefix, keyCount, mode: 'timed', warmupMs: mode.warmupMs, durationMs: mode.phaseMs };
}

/** Loads the standard key space once (1 KiB values), capped in time on a slow system. */
export function loadPhase(mode: BenchMode): PhaseSpec {
  return { name: phaseName.load, op: 'put', concurrency: LOAD_CONCURRENCY, valueBytes: SMALL_VALUE_BYTES, keyPrefix: 'k', keyCount: mode.keys, mode: 'load', warmupMs: 0, durationMs: 0, loadCapMs: mode.loadCapMs };
}

/**
 * The timed phases. Gets read only the `loadedKeys` the load wrote (all of the key space unless
 * the load hit its cap; the raw HTTP server stores nothing and answers any key).
 */
export function standardPhases(mode: BenchMode, loadedKeys: number): PhaseSpec[] {
  const phases: PhaseSpec[] = [];
  for (const c of CONCURRENCIES) phases.push(timed(mode, phaseName.put(c), 'put', c, SMALL_VALUE_BYTES, 'k', mode.keys));
  for (const c of CONCURRENCIES) phases.push(timed(mode, phaseName.get(c), 'get', c, SMALL_VALUE_BYTES, 'k', Math.max(1, loadedKeys)));
  phases.push(timed(mode, phaseName.put64k, 'put', LARGE_VALUE_CONCURRENCY, LARGE_VALUE_BYTES, 'big', mode.keys));
  return phases;
}

/** The large run (Tessera over HTTP): load up to `largeKeys` keys, then puts and gets over them. */
export function largePhases(mode: BenchMode, loadedKeys: number | null): PhaseSpec[] {
  if (loadedKeys === null) return [{ name: phaseName.largeLoad, op: 'put', concurrency: LOAD_CONCURRENCY, valueBytes: SMALL_VALUE_BYTES, keyPrefix: 'm', keyCount: mode.largeKeys, mode: 'load', warmupMs: 0, durationMs: 0, loadCapMs: mode.largeLoadCapMs }];
  return [
    timed(mode, phaseName.largePut, 'put', LARGE_RUN_CONCURRENCY, SMALL_VALUE_BYTES, 'm', loadedKeys),
    timed(mode, phaseName.largeGet, 'get', LARGE_RUN_CONCURRENCY, SMALL_VALUE_BYTES, 'm', loadedKeys),
  ];
}
