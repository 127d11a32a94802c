'use client';
// The slice heatmap: one cell per slice on a canvas (thousands of slices stay fast), coloured
// by primary VN, copy state or load, with a legend and zoom. Hover shows a slice's details; a
// click pins them (the pinned slice is in the URL, and can be typed in too, for the keyboard).
import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CompactSliceMap } from '@/engine/controller/slice-views';
import { formatBytes } from '../format';
import { legendOf, sliceColours, type HeatmapColouring, type Usage } from './heatmap-colours';

const COLUMNS_MAX = 128;
/** Zoom levels: multiples of the cell size that fits 768 px. */
export const HEATMAP_ZOOMS = [1, 2, 4] as const;

function usageText(values: readonly number[] | undefined, slice: number, format: (n: number) => string): string {
  if (values === undefined) return 'loading…';
  const value = values[slice] ?? -1;
  return value < 0 ? 'unknown' : format(value);
}

export function SliceHeatmap({ map, colouring, usage, container, zoom, pinned, onPin }: {
  map: CompactSliceMap; colouring: HeatmapColouring; usage: Usage | undefined; container: string;
  zoom: number; pinned: number | null; onPin: (slice: number | null) => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const sliceCount = map.primary.length;
  const columns = Math.min(COLUMNS_MAX, Math.max(16, 2 ** Math.ceil(Math.log2(Math.sqrt(sliceCount * 2)))));
  const rows = Math.ceil(sliceCount / columns);
  const cellPx = Math.max(4, Math.min(16, Math.floor(768 / columns))) * zoom;
  const colours = useMemo(() => sliceColours(map, colouring, usage), [map, colouring, usage]);
  const legend = useMemo(() => legendOf(map, colouring, usage, colouring === 'bytes' ? formatBytes : String), [map, colouring, usage]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (canvas === null || context === null || context === undefined) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < sliceCount; i++) {
      context.fillStyle = colours[i] ?? '#000';
      context.fillRect((i % columns) * cellPx, Math.floor(i / columns) * cellPx, cellPx - 1, cellPx - 1);
    }
    if (pinned !== null && pinned < sliceCount) {
      context.strokeStyle = '#f43f5e';
      context.lineWidth = 2;
      context.strokeRect((pinned % columns) * cellPx + 1, Math.floor(pinned / columns) * cellPx + 1, cellPx - 3, cellPx - 3);
    }
  }, [colours, columns, cellPx, sliceCount, pinned]);

  const shown = pinned ?? hovered;
  const sliceAt = (event: React.MouseEvent<HTMLCanvasElement>): number | null => {
    const rect = event.currentTarget.getBoundingClientRect();
    const col = Math.floor((event.clientX - rect.left) / cellPx);
    const row = Math.floor((event.clientY - rect.top) / cellPx);
    const slice = row * columns + col;
    return col >= 0 && col < columns && slice >= 0 && slice < sliceCount ? slice : null;
  };

  return (
    <div className="flex flex-col gap-3">
      <ul aria-label="legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {legend.map((entry) => (
          <li key={entry.label} className="flex items-center gap-1">
            <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm border border-slate-300 dark:border-slate-700" style={{ backgroundColor: entry.colour }} />
            {entry.label}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-start gap-4">
        <div className="max-h-[70vh] max-w-full overflow-auto rounded border border-slate-200 dark:border-slate-800">
          <canvas
            ref={canvasRef} width={columns * cellPx} height={rows * cellPx} role="img"
            aria-label={`slice heatmap of ${sliceCount} slices coloured by ${colouring}`}
            className="block cursor-crosshair"
            onMouseMove={(e) => setHovered(sliceAt(e))} onMouseLeave={() => setHovered(null)}
            onClick={(e) => { const s = sliceAt(e); onPin(s === pinned ? null : s); }}
          />
        </div>
        <div aria-live="polite" aria-label="slice details" className="min-w-64 rounded border border-slate-200 p-3 text-sm dark:border-slate-800">
          {shown === null ? <p className="text-slate-500 dark:text-slate-400">Hover a slice; click to pin it.</p> : (
            <>
              <dl className="grid grid-cols-2 gap-x-3 gap-y-1">
                <dt className="text-slate-500 dark:text-slate-400">slice</dt><dd className="font-mono" aria-label="slice id">{shown}{pinned === shown ? ' (pinned)' : ''}</dd>
                <dt className="text-slate-500 dark:text-slate-400">primary</dt><dd className="font-mono">{map.vnIds[map.primary[shown] ?? -1] ?? '?'}</dd>
                <dt className="text-slate-500 dark:text-slate-400">secondary</dt><dd className="font-mono">{map.vnIds[map.secondary[shown] ?? -1] ?? '?'}</dd>
                <dt className="text-slate-500 dark:text-slate-400">epoch</dt><dd className="font-mono">{map.epoch[shown]}</dd>
                <dt className="text-slate-500 dark:text-slate-400">copies</dt><dd className="font-mono">{map.inSyncCount[shown]}</dd>
                <dt className="text-slate-500 dark:text-slate-400">keys</dt><dd className="font-mono" aria-label="slice keys">{usageText(usage?.keys, shown, String)}</dd>
                <dt className="text-slate-500 dark:text-slate-400">bytes</dt><dd className="font-mono" aria-label="slice bytes">{usageText(usage?.bytes, shown, formatBytes)}</dd>
              </dl>
              {pinned === shown && (
                <div className="mt-2 flex gap-3">
                  <Link className="underline" href={`/data?container=${encodeURIComponent(container)}&slice=${shown}`}>Browse its keys</Link>
                  <button type="button" className="underline" onClick={() => onPin(null)}>Unpin</button>
                </div>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
