'use client';
// The slice heatmap: one cell per slice, coloured by primary VN or by copy state, drawn on a
// canvas (thousands of slices stay fast). Hover shows a tooltip; click pins it.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CompactSliceMap } from '@/engine/controller/slice-views';
import { vnColour } from './palette';

export type HeatmapColouring = 'primary' | 'state';
const COLUMNS_MAX = 128;

export function SliceHeatmap({ map, colouring }: { map: CompactSliceMap; colouring: HeatmapColouring }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [pinned, setPinned] = useState<number | null>(null);
  const sliceCount = map.primary.length;
  const columns = Math.min(COLUMNS_MAX, Math.max(16, 2 ** Math.ceil(Math.log2(Math.sqrt(sliceCount * 2)))));
  const rows = Math.ceil(sliceCount / columns);
  const cellPx = Math.max(4, Math.min(16, Math.floor(768 / columns)));

  const colours = useMemo(() => map.primary.map((p, i) => {
    if (colouring === 'primary') return vnColour(p, map.vnIds.length);
    const copies = map.inSyncCount[i] ?? 0;
    return copies >= 2 ? '#16a34a' : copies === 1 ? '#f59e0b' : '#dc2626';
  }), [map, colouring]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (canvas === null || context === null || context === undefined) return;
    for (let i = 0; i < sliceCount; i++) {
      context.fillStyle = colours[i] ?? '#000';
      context.fillRect((i % columns) * cellPx, Math.floor(i / columns) * cellPx, cellPx - 1, cellPx - 1);
    }
  }, [colours, columns, cellPx, sliceCount]);

  const shown = pinned ?? hovered;
  const sliceAt = (event: React.MouseEvent<HTMLCanvasElement>): number | null => {
    const rect = event.currentTarget.getBoundingClientRect();
    const col = Math.floor((event.clientX - rect.left) / cellPx);
    const row = Math.floor((event.clientY - rect.top) / cellPx);
    const slice = row * columns + col;
    return col >= 0 && col < columns && slice >= 0 && slice < sliceCount ? slice : null;
  };

  return (
    <div className="flex flex-wrap items-start gap-4">
      <canvas
        ref={canvasRef} width={columns * cellPx} height={rows * cellPx} role="img"
        aria-label={`slice heatmap of ${sliceCount} slices coloured by ${colouring}`}
        className="cursor-crosshair rounded border border-slate-200 dark:border-slate-800"
        onMouseMove={(e) => setHovered(sliceAt(e))} onMouseLeave={() => setHovered(null)}
        onClick={(e) => { const s = sliceAt(e); setPinned((p) => (p === s ? null : s)); }}
      />
      <div aria-live="polite" aria-label="slice details" className="min-w-56 rounded border border-slate-200 p-3 text-sm dark:border-slate-800">
        {shown === null ? <p className="text-slate-500 dark:text-slate-400">Hover a slice; click to pin it.</p> : (
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1">
            <dt className="text-slate-500 dark:text-slate-400">slice</dt><dd className="font-mono">{shown}{pinned !== null ? ' (pinned)' : ''}</dd>
            <dt className="text-slate-500 dark:text-slate-400">primary</dt><dd className="font-mono">{map.vnIds[map.primary[shown] ?? -1] ?? '?'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">secondary</dt><dd className="font-mono">{map.vnIds[map.secondary[shown] ?? -1] ?? '?'}</dd>
            <dt className="text-slate-500 dark:text-slate-400">epoch</dt><dd className="font-mono">{map.epoch[shown]}</dd>
            <dt className="text-slate-500 dark:text-slate-400">copies</dt><dd className="font-mono">{map.inSyncCount[shown]}</dd>
          </dl>
        )}
      </div>
    </div>
  );
}
