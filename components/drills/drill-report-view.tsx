'use client';
// One drill report: the verdict, the windows, operations and latency by phase, the timeline,
// re-protection and MTTDL, the charts, and the JSON export.
import type { DrillReport, TimelineEntry } from '@/engine/drills/drill-report';
import { Badge } from '../badge';
import { DrillCharts } from './drill-charts';

const ms = (v: number | null): string => (v === null ? '—' : `${v} ms`);
const years = (v: number | null): string => (v === null ? '—' : v >= 1e6 ? `${v.toExponential(2)} years` : `${Math.round(v).toLocaleString()} years`);

export function TimelineList({ timeline }: { readonly timeline: readonly TimelineEntry[] }) {
  return (
    <ol aria-label="Timeline" className="flex flex-col gap-1 text-sm">
      {timeline.map((t, i) => (
        <li key={`${t.atMs}-${i}`} className="flex gap-3"><span className="w-20 shrink-0 text-right tabular-nums text-slate-500">+{(t.atMs / 1000).toFixed(2)} s</span><span className="w-36 shrink-0 font-medium">{t.kind}</span><span>{t.message}</span></li>
      ))}
    </ol>
  );
}

export function exportReport(report: DrillReport): void {
  const blob = new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${report.id}.json`;
  a.click();
  URL.revokeObjectURL(url);
}

export function DrillReportView({ report }: { readonly report: DrillReport }) {
  const l = report.latency;
  return (
    <section aria-label={`Report ${report.id}`} className="flex flex-col gap-3 rounded border border-slate-300 p-3 dark:border-slate-700">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-lg font-semibold">{report.scenario} ({report.mode}{report.seed === null ? '' : `, seed ${report.seed}`})</h3>
        <Badge tone={report.passed ? 'good' : 'bad'}>{report.passed ? 'passed' : 'failed'}</Badge>
        <span className="text-sm text-slate-500">{report.id} · {new Date(report.startedAtEpochMs).toLocaleString()} · targets {report.targets.join(', ') || 'the cluster'}</span>
        <button type="button" className="ml-auto rounded border border-slate-400 px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-900" onClick={() => exportReport(report)}>Export JSON</button>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-4" aria-label="Report summary">
        <dt className="text-slate-500">Window p50</dt><dd data-testid="window-p50">{ms(report.windowMsP50)}</dd>
        <dt className="text-slate-500">Window p99</dt><dd data-testid="window-p99">{ms(report.windowMsP99)}</dd>
        <dt className="text-slate-500">Window max</dt><dd>{ms(report.windowMsMax)}</dd>
        <dt className="text-slate-500">Affected slices</dt><dd>{report.affectedSlices}</dd>
        <dt className="text-slate-500">Operations</dt><dd>{report.opsAttempted} attempted, {report.opsOk} ok, {report.opsFailed} failed</dd>
        <dt className="text-slate-500">Acknowledged writes lost</dt><dd data-testid="acked-lost">{report.ackedWritesLost} of {report.ackedWrites}</dd>
        <dt className="text-slate-500">Linearizable</dt><dd data-testid="linearizable">{String(report.linearizable)}</dd>
        <dt className="text-slate-500">Re-protection</dt><dd>{report.reprotection.slices} slices in {ms(report.reprotection.timeMs)}{report.reprotection.slicesPerSecond === null ? '' : ` (${report.reprotection.slicesPerSecond}/s)`}</dd>
        <dt className="text-slate-500">Latency p50/p99 before</dt><dd>{ms(l.before.p50Ms)} / {ms(l.before.p99Ms)}</dd>
        <dt className="text-slate-500">during</dt><dd>{ms(l.during.p50Ms)} / {ms(l.during.p99Ms)}</dd>
        <dt className="text-slate-500">after</dt><dd>{ms(l.after.p50Ms)} / {ms(l.after.p99Ms)}</dd>
        <dt className="text-slate-500">MTTDL before / during</dt><dd>{years(report.mttdl.beforeYears)} / {years(report.mttdl.duringYears)}</dd>
      </dl>
      {report.problems.length > 0 && <ul role="alert" className="text-sm text-red-600">{report.problems.map((p) => <li key={p}>{p}</li>)}</ul>}
      <h4 className="font-semibold">Timeline</h4>
      <TimelineList timeline={report.timeline} />
      <DrillCharts series={report.series} />
    </section>
  );
}
