'use client';
// The live tail: the `events.stream` subscription (server-sent events) from a given log index,
// keeping the newest events that match the page's filter. Bounded: the page shows at most
// LIVE_TAIL_EVENTS_MAX tailed events above the list it loaded.
import { useEffect, useState } from 'react';
import type { ClusterEvent } from '@/engine/controller/events';
import { queryEvents } from '@/engine/controller/events-query';
import type { EventsQueryFilter } from './events-url';

export const LIVE_TAIL_EVENTS_MAX = 500;

export type LiveTailStatus = 'off' | 'connecting' | 'live' | 'reconnecting';

export interface LiveTail {
  readonly status: LiveTailStatus;
  /** Newest first. */
  readonly events: readonly ClusterEvent[];
}

/** Subscribes while `afterIndex` is known and `enabled`; a new filter or start index starts over. */
export function useLiveTail(enabled: boolean, afterIndex: number | null, filter: EventsQueryFilter): LiveTail {
  const [status, setStatus] = useState<LiveTailStatus>('off');
  const [events, setEvents] = useState<readonly ClusterEvent[]>([]);
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    setEvents([]);
    if (!enabled || afterIndex === null) { setStatus('off'); return undefined; }
    const parsedFilter = JSON.parse(filterKey) as EventsQueryFilter;
    setStatus('connecting');
    const source = new EventSource(`/api/trpc/events.stream?input=${encodeURIComponent(JSON.stringify({ afterIndex }))}`);
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus('reconnecting');
    source.onmessage = (message: MessageEvent<string>) => {
      let event: ClusterEvent;
      try {
        event = JSON.parse(message.data) as ClusterEvent;
      } catch {
        return;
      }
      if (typeof event.index !== 'number' || typeof event.code !== 'string') return;
      setStatus('live');
      if (queryEvents([event], parsedFilter, 1, null).events.length === 0) return;
      setEvents((old) => (old.some((e) => e.index === event.index && e.seq === event.seq) ? old : [event, ...old].slice(0, LIVE_TAIL_EVENTS_MAX)));
    };
    return () => source.close();
  }, [enabled, afterIndex, filterKey]);
  return { status: enabled ? status : 'off', events };
}
