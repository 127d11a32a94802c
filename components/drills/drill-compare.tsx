'use client';
// Two drill reports side by side: the numbers an operator compares between runs.
import { useQuery } from '@tanstack/react-query';
import type { DrillReport } from '@/engine/drills/drill-report';
import { useTRPC } from '../trpc';

const ROWS: ReadonlyArray<readonly [string, (r: DrillReport) => string]> = [
  ['Scenario', (r) => `${r.scenario} (${r.mode})`],
  ['Targets', (r) => r.targets.join(', ') || '—'],
  ['Window p50 / p99 / max', (r) => `${r.windowMsP50 ?? '—'} / ${r.windowMsP99 ?? '—'} / ${r.windowMsMax ?? '—'} ms`],
  ['Operations ok / failed', (r) => `${r.opsOk} / ${r.opsFailed}`],
  ['Latency p99 before / during / after', (r) => `${r.latency.before.p99Ms ?? '—'} / ${r.latency.during.p99Ms ?? '—'} / ${r.latency.after.p99Ms ?? '—'} ms`],
  ['Acknowledged writes lost', (r) => String(r.ackedWritesLost)],
  ['Linearizable', (r) => String(r.linearizable)],
  ['Re-protection', (r) => `${r.reprotection.slices} slices, ${r.reprotection.timeMs ?? '—'} ms`],
];

export function DrillCompare({ ids }: { readonly ids: readonly string[] }) {
  const trpc = useTRPC();
  const a = useQuery(trpc.drills.report.queryOptions({ id: ids[0] ?? '' }));
  const b = useQuery(trpc.drills.report.queryOptions({ id: ids[1] ?? '' }));
  if (a.data === undefined || b.data === undefined) return <p className="text-sm">Loading the two reports…</p>;
  return (
    <table aria-label="Compare drills" className="w-full max-w-4xl text-left text-sm">
      <thead><tr><th></th><th>{a.data.id}</th><th>{b.data.id}</th></tr></thead>
      <tbody>{ROWS.map(([label, value]) => <tr key={label}><th className="pr-4 font-normal text-slate-500">{label}</th><td>{value(a.data)}</td><td>{value(b.data)}</td></tr>)}</tbody>
    </table>
  );
}
