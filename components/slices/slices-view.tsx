'use client';
// The Slice map page: pick a container (kept in the URL), see its heatmap, role balance per VN
// and the VN pairing matrix.
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTRPC } from '../trpc';
import { PairingMatrix } from './pairing-matrix';
import { SliceHeatmap, type HeatmapColouring } from './slice-heatmap';
import { VnRolesChart } from './vn-roles-chart';

const REFRESH_MS = 5_000;

function QueryError({ message, retry }: { message: string; retry: () => void }) {
  return (
    <div role="alert" className="rounded border border-red-300 p-3 text-sm text-red-800 dark:border-red-800 dark:text-red-200">
      {message} <button type="button" className="ml-2 underline" onClick={retry}>Retry</button>
    </div>
  );
}

export function SlicesView() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const containers = useQuery({ ...trpc.slices.containers.queryOptions(), refetchInterval: REFRESH_MS });
  const selected = params.get('container') ?? containers.data?.[0]?.name ?? null;
  const colouring: HeatmapColouring = params.get('colour') === 'state' ? 'state' : 'primary';
  const enabled = selected !== null;
  const input = { container: selected ?? '' };
  const map = useQuery({ ...trpc.slices.map.queryOptions(input), enabled, refetchInterval: REFRESH_MS });
  const roles = useQuery({ ...trpc.slices.roles.queryOptions(input), enabled, refetchInterval: REFRESH_MS });
  const pairing = useQuery({ ...trpc.slices.pairing.queryOptions(input), enabled, refetchInterval: REFRESH_MS });

  const setParam = (key: string, value: string): void => {
    const next = new URLSearchParams(params.toString());
    next.set(key, value);
    router.replace(`${pathname}?${next.toString()}`);
  };

  if (containers.isError) return <QueryError message={`Could not load containers: ${containers.error.message}`} retry={() => void containers.refetch()} />;
  const summary = containers.data?.find((c) => c.name === selected);
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-wrap items-end gap-4">
        <h1 className="text-2xl font-bold">Slice map</h1>
        <label className="text-sm">Container{' '}
          <select aria-label="Container" value={selected ?? ''} onChange={(e) => setParam('container', e.target.value)}
            className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700">
            {containers.data?.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
          </select>
        </label>
        <label className="text-sm">Colour by{' '}
          <select aria-label="Colour by" value={colouring} onChange={(e) => setParam('colour', e.target.value)}
            className="rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700">
            <option value="primary">primary VN</option>
            <option value="state">copies</option>
          </select>
        </label>
      </header>
      {summary !== undefined && (
        <p className="text-sm" aria-label="container summary">
          {summary.sliceCount} slices · seed <span className="font-mono">{summary.seedHex}</span> · map epoch {summary.mapEpoch} ·{' '}
          <span aria-label="slices with two copies">{summary.slicesWithTwoCopies}</span> with 2 copies, {summary.slicesWithOneCopy} with 1, {summary.slicesWithNoCopy} with 0
        </p>
      )}
      <section aria-label="heatmap">
        {map.isError ? <QueryError message={map.error.message} retry={() => void map.refetch()} />
          : map.data === undefined ? <div aria-busy="true" className="h-64 animate-pulse rounded bg-slate-100 dark:bg-slate-900" />
            : <SliceHeatmap map={map.data} colouring={colouring} />}
      </section>
      <section aria-label="role balance">
        <h2 className="mb-2 text-lg font-semibold">Roles per VN</h2>
        {roles.data !== undefined && <VnRolesChart roles={roles.data} />}
      </section>
      <section aria-label="pairing">
        <h2 className="mb-2 text-lg font-semibold">VN pairing</h2>
        {pairing.data !== undefined && <PairingMatrix vnIds={pairing.data.vnIds} matrix={pairing.data.matrix} />}
      </section>
    </div>
  );
}
