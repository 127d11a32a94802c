// The events log: filtered, searched, paged newest first, and exported.
import { z } from 'zod';
import { EVENTS_PAGE_SIZE_MAX, eventsToCsv, eventsToJson, queryEvents, type EventFilter } from '../../engine/controller/events-query';
import { clusterProcedure, router } from '../trpc';

const filterInput = z.object({
  severities: z.array(z.enum(['info', 'warning', 'error', 'critical'])).max(4).optional(),
  codes: z.array(z.string().min(1).max(64)).max(20).optional(),
  subjectId: z.string().min(1).max(128).optional(),
  fromMs: z.number().int().nonnegative().optional(),
  toMs: z.number().int().nonnegative().optional(),
  text: z.string().max(200).optional(),
});

function toFilter(input: z.infer<typeof filterInput>): EventFilter {
  // exactOptionalPropertyTypes: copy only the fields that are present.
  const filter: { -readonly [K in keyof EventFilter]?: EventFilter[K] } = {};
  if (input.severities !== undefined) filter.severities = input.severities;
  if (input.codes !== undefined) filter.codes = input.codes;
  if (input.subjectId !== undefined) filter.subjectId = input.subjectId;
  if (input.fromMs !== undefined) filter.fromMs = input.fromMs;
  if (input.toMs !== undefined) filter.toMs = input.toMs;
  if (input.text !== undefined) filter.text = input.text;
  return filter;
}

/** How often the live stream looks for new events. */
export const EVENTS_STREAM_POLL_MS = 250;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

export const eventsRouter = router({
  /**
   * The live tail (server-sent events): every event after `afterIndex`, then each new one as
   * the controller commits it, in log order.
   */
  stream: clusterProcedure
    .input(z.object({ afterIndex: z.number().int().nonnegative().default(0) }))
    .subscription(async function* ({ ctx, input, signal }) {
      let after = { index: input.afterIndex, seq: Number.MAX_SAFE_INTEGER };
      while (signal?.aborted !== true) {
        const fresh = ctx.cluster.controllerState().events.filter((e) => e.index > after.index || (e.index === after.index && e.seq > after.seq));
        for (const event of fresh) {
          yield event;
          after = { index: event.index, seq: event.seq };
        }
        await sleep(EVENTS_STREAM_POLL_MS, signal);
      }
    }),
  query: clusterProcedure
    .input(filterInput.extend({ pageSize: z.number().int().min(1).max(EVENTS_PAGE_SIZE_MAX).default(100), cursor: z.string().max(40).nullable().default(null) }))
    .query(({ ctx, input }) => queryEvents(ctx.cluster.controllerState().events, toFilter(input), input.pageSize, input.cursor)),
  export: clusterProcedure
    .input(filterInput.extend({ format: z.enum(['csv', 'json']) }))
    .query(({ ctx, input }) => {
      const all = queryEvents(ctx.cluster.controllerState().events, toFilter(input), EVENTS_PAGE_SIZE_MAX, null);
      const events = [...all.events].reverse();
      return { format: input.format, content: input.format === 'csv' ? eventsToCsv(events) : eventsToJson(events), truncated: all.nextCursor !== null };
    }),
});
