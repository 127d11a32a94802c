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

export const eventsRouter = router({
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
