'use client';
// The drill's charts: operations per bucket (ok and failed) with the slowest latency, and the
// slices short of two in-sync copies, over the drill's time.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '@/engine/drills/drill-report';

export function DrillCharts({ series }: { readonly series: readonly SeriesPoint[] }) {
  const data = series.map((p) => ({ t: Math.round(p.tMs / 100) / 10, ok: p.ok, failed: p.failed, maxLatencyMs: p.maxLatencyMs, underProtected: p.underProtected }));
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <figure aria-label="Operations over time" className="h-56">
        <figcaption className="text-sm font-semibold">Operations per 250 ms and slowest latency</figcaption>
        <ResponsiveContainer width="100%" height="90%">
          <LineChart data={data}>
            <CartesianGrid strokeDasharray="3 3" stroke="#64748b55" />
            <XAxis dataKey="t" unit=" s" />
            <YAxis yAxisId="ops" />
            <YAxis yAxisId="ms" orientation="right" unit=" ms" />
            <Tooltip />
            <Legend />
            <Line yAxisId="ops" type="monotone" dataKey="ok" stroke="#16a34a" dot={false} isAnimationActive={false} />
            <Line yAxisId="ops" type="monotone" dataKey="failed" stroke="#dc2626" dot={false} isAnimationActive={false} />
            <Line yAxisId="ms" type="monotone" dataKey="maxLatencyMs" name="slowest ms" stroke="#2563eb" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure aria-label="Slices short of two copies over time" className="h-56">
        <figcaption className="text-sm font-semibold">Slices with fewer than two in-sync copies</figcaption>
        <ResponsiveContainer width="100%" height="90%">
          <LineChart data={data}>
            <CartesianGrid strokeDasharray="3 3" stroke="#64748b55" />
            <XAxis dataKey="t" unit=" s" />
            <YAxis />
            <Tooltip />
            <Line type="stepAfter" dataKey="underProtected" name="under-protected" stroke="#d97706" dot={false} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
