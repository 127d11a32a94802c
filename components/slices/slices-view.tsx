'use client';
// The Slice map page: pick a container, colouring, zoom and a pinned slice (all in the URL);
// see its heatmap with a legend, role balance per VN and the VN pairing matrix. Skeletons on
// first load, errors with Retry where they happen, refresh at the chosen interval.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { QueryError } from '../ui/query-error';
import { QueryView } from '../ui/query-view';
import { RefreshControl, useRefreshInterval } from '../ui/refresh-control';
import { Skeleton } from '../ui/skeleton';
import { useUrlState } from '../ui/url-state';
import { COLOURING_LABELS, HEATMAP_COLOURINGS, parseColouring } from './heatmap-colours';
import { PairingMatrix } from './pairing-matrix';
import { HEATMAP_ZOOMS, SliceHeatmap } from './slice-heatmap';
import { VnRolesChart } from './vn-roles-chart';

const selectClass = 'rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700';

export function SlicesView() {
  const trpc = useTRPC();
  const url = useUrlState();
  const refresh = useRefreshInterval(5);
  const containers = useQuery({ ...trpc.slices.containers.queryOptions(), refetchInterval: refresh.intervalMs });
  const selected = url.get('container') ?? containers.data?.[0]?.name ?? null;
  const colouring = parseColouring(url.get('colour'));
  const zoomValue = Number(url.get('zoom') ?? '1');
  const zoom = (HEATMAP_ZOOMS as readonly number[]).includes(zoomValue) ? zoomValue : 1;
  const pinnedText = url.get('slice');
  const pinned = pinnedText !== null && /^\d+$/.test(pinnedText) ? Number(pinnedText) : null;
  const enabled = selected !== null;
  const input = { container: selected ?? '' };
  const map = useQuery({ ...trpc.slices.map.queryOptions(input), enabled, refetchInterval: refresh.intervalMs });
  const usage = useQuery({ ...trpc.slices.usage.queryOptions(input), enabled, refetchInterval: refresh.intervalMs });
  const roles = useQuery({ ...trpc.slices.roles.queryOptions(input), enabled, refetchInterval: refresh.intervalMs });
  const pairing = useQuery({ ...trpc.slices.pairing.queryOptions(input), enabled, refetchInterval: refresh.intervalMs });
  const zoomIndex = HEATMAP_ZOOMS.indexOf(zoom as (typeof HEATMAP_ZOOMS)[number]);

  if (containers.isError) return <QueryError what="containers" error={containers.error} onRetry={() => void containers.refetch()} retrying={containers.isFetching} />;
  const summary = containers.data?.find((c) => c.name === selected);
  const sliceCount = map.data?.primary.length ?? summary?.sliceCount ?? 0;
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-wrap items-end gap-4">
        <h1 className="text-2xl font-bold">Slice map</h1>
        <label className="text-sm">Container{' '}
          <select aria-label="Container" value={selected ?? ''} onChange={(e) => url.set({ container: e.target.value, slice: null })} className={selectClass}>
            {containers.data?.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
          </select>
        </label>
        <label className="text-sm">Colour by{' '}
          <select aria-label="Colour by" value={colouring} onChange={(e) => url.set({ colour: e.target.value })} className={selectClass}>
            {HEATMAP_COLOURINGS.map((c) => <option key={c} value={c}>{COLOURING_LABELS[c]}</option>)}
          </select>
        </label>
        <div className="flex items-center gap-1 text-sm" role="group" aria-label="Zoom">
          <button type="button" className="rounded border px-2 py-1 disabled:opacity-40" aria-label="Zoom out" disabled={zoomIndex <= 0}
            onClick={() => url.set({ zoom: String(HEATMAP_ZOOMS[zoomIndex - 1] ?? 1) })}>−</button>
          <span aria-label="zoom level" className="w-8 text-center">{zoom}×</span>
          <button type="button" className="rounded border px-2 py-1 disabled:opacity-40" aria-label="Zoom in" disabled={zoomIndex >= HEATMAP_ZOOMS.length - 1}
            onClick={() => url.set({ zoom: String(HEATMAP_ZOOMS[zoomIndex + 1] ?? zoom) })}>+</button>
        </div>
        <label className="text-sm">Pin slice{' '}
          <input aria-label="Pin slice" inputMode="numeric" className={`${selectClass} w-20`} defaultValue={pinned ?? ''} key={pinned ?? 'none'}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              const text = e.currentTarget.value.trim();
              const slice = Number(text);
              url.set({ slice: text !== '' && Number.isInteger(slice) && slice >= 0 && slice < sliceCount ? String(slice) : null });
            }} />
        </label>
        <div className="ml-auto"><RefreshControl refresh={refresh} updatedAtMs={map.dataUpdatedAt} fetching={map.isFetching || containers.isFetching} /></div>
      </header>
      {summary === undefined ? <Skeleton label="loading container summary" className="h-5 w-96" /> : (
        <p className="text-sm" aria-label="container summary">
          {summary.sliceCount} slices · seed <span className="font-mono">{summary.seedHex}</span> · map epoch {summary.mapEpoch} ·{' '}
          <span aria-label="slices with two copies">{summary.slicesWithTwoCopies}</span> with 2 copies, {summary.slicesWithOneCopy} with 1, {summary.slicesWithNoCopy} with 0
        </p>
      )}
      <section aria-label="heatmap" className="flex flex-col gap-2">
        {usage.isError && (colouring === 'keys' || colouring === 'bytes') && <QueryError what="keys and bytes per slice" error={usage.error} onRetry={() => void usage.refetch()} retrying={usage.isFetching} />}
        {usage.data !== undefined && !usage.data.complete && <p className="text-xs text-amber-700 dark:text-amber-300">Some slices have no readable copy or were past the scan budget: shown as unknown.</p>}
        <QueryView query={map} what="the slice map" skeletonClass="h-64">
          {(data) => <SliceHeatmap map={data} colouring={colouring} usage={usage.data} container={selected ?? ''} zoom={zoom} pinned={pinned !== null && pinned < data.primary.length ? pinned : null}
            onPin={(slice) => url.set({ slice: slice === null ? null : String(slice) })} />}
        </QueryView>
      </section>
      <section aria-label="role balance">
        <h2 className="mb-2 text-lg font-semibold">Roles per VN</h2>
        <QueryView query={roles} what="roles per VN" skeletonClass="h-64">{(data) => <VnRolesChart roles={data} />}</QueryView>
      </section>
      <section aria-label="pairing">
        <h2 className="mb-2 text-lg font-semibold">VN pairing</h2>
        <QueryView query={pairing} what="the pairing matrix" skeletonClass="h-40">{(data) => <PairingMatrix vnIds={data.vnIds} matrix={data.matrix} />}</QueryView>
      </section>
    </div>
  );
}
