// How the slice heatmap colours a slice, and the legend that explains it: by primary VN, by
// copy state, or by load (keys or bytes stored, from slices.usage). Pure, so it is tested
// without a browser (heatmap-colours.test.ts).
import type { CompactSliceMap } from '@/engine/controller/slice-views';
import { vnColour } from './palette';

export const HEATMAP_COLOURINGS = ['primary', 'state', 'keys', 'bytes'] as const;
export type HeatmapColouring = (typeof HEATMAP_COLOURINGS)[number];
export const COLOURING_LABELS: Readonly<Record<HeatmapColouring, string>> = { primary: 'primary VN', state: 'copies', keys: 'load: keys', bytes: 'load: bytes' };

export const STATE_COLOURS = { two: '#16a34a', one: '#f59e0b', none: '#dc2626' } as const;
export const UNKNOWN_COLOUR = '#94a3b8';
/** Steps of the load scale, light (least) to dark (most). */
export const LOAD_SCALE = ['#eff6ff', '#bfdbfe', '#60a5fa', '#2563eb', '#1e3a8a'] as const;

export interface Usage {
  readonly keys: readonly number[];
  readonly bytes: readonly number[];
}

export interface LegendEntry {
  readonly colour: string;
  readonly label: string;
}

export function parseColouring(text: string | null): HeatmapColouring {
  return (HEATMAP_COLOURINGS as readonly string[]).includes(text ?? '') ? text as HeatmapColouring : 'primary';
}

/** Which step of LOAD_SCALE a value falls in, between 0 and max (linear); -1 unknown. */
export function loadStep(value: number, max: number): number {
  if (value < 0) return -1;
  if (max <= 0) return 0;
  return Math.min(LOAD_SCALE.length - 1, Math.floor((value / max) * LOAD_SCALE.length));
}

export function sliceColours(map: CompactSliceMap, colouring: HeatmapColouring, usage: Usage | undefined): string[] {
  if (colouring === 'primary') return map.primary.map((p) => vnColour(p, map.vnIds.length));
  if (colouring === 'state') {
    return map.inSyncCount.map((copies) => (copies >= 2 ? STATE_COLOURS.two : copies === 1 ? STATE_COLOURS.one : STATE_COLOURS.none));
  }
  const values = usage?.[colouring] ?? [];
  const max = Math.max(0, ...values);
  return map.primary.map((_, i) => {
    const step = loadStep(values[i] ?? -1, max);
    return step < 0 ? UNKNOWN_COLOUR : (LOAD_SCALE[step] ?? UNKNOWN_COLOUR);
  });
}

export function legendOf(map: CompactSliceMap, colouring: HeatmapColouring, usage: Usage | undefined, formatValue: (n: number) => string): LegendEntry[] {
  if (colouring === 'primary') return map.vnIds.map((id, i) => ({ colour: vnColour(i, map.vnIds.length), label: id }));
  if (colouring === 'state') return [{ colour: STATE_COLOURS.two, label: '2 copies' }, { colour: STATE_COLOURS.one, label: '1 copy' }, { colour: STATE_COLOURS.none, label: 'no copy' }];
  const values = usage?.[colouring] ?? [];
  const max = Math.max(0, ...values);
  const entries: LegendEntry[] = LOAD_SCALE.map((colour, step) => {
    const low = (max * step) / LOAD_SCALE.length;
    const high = (max * (step + 1)) / LOAD_SCALE.length;
    return { colour, label: max === 0 ? (step === 0 ? formatValue(0) : '') : `${formatValue(Math.ceil(low))}–${formatValue(Math.floor(high))}` };
  }).filter((e) => e.label !== '');
  if (values.some((v) => v < 0) || values.length === 0) entries.push({ colour: UNKNOWN_COLOUR, label: 'unknown (no readable copy)' });
  return entries;
}
