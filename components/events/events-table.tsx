// The events as a table, newest first; rows that arrived over the live tail are marked.
import type { ClusterEvent } from '@/engine/controller/events';
import { isoUtc } from '@/engine/controller/events-query';
import { Badge } from '../badge';

const TONE = { info: 'neutral', warning: 'warn', error: 'bad', critical: 'bad' } as const;

export function EventsTable({ events, liveKeys }: { events: readonly ClusterEvent[]; liveKeys: ReadonlySet<string> }) {
  return (
    <table aria-label="events" className="w-full text-left text-sm">
      <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
        <tr><th>time (UTC)</th><th>severity</th><th>code</th><th>subject</th><th>message</th><th>actor</th></tr>
      </thead>
      <tbody>
        {events.map((e) => {
          const key = `${e.index}.${e.seq}`;
          return (
            <tr key={key} data-live={liveKeys.has(key) ? 'true' : undefined}
              className={`border-t border-slate-200 align-top dark:border-slate-800 ${liveKeys.has(key) ? 'bg-sky-50 dark:bg-sky-950/40' : ''}`}>
              <td className="whitespace-nowrap py-1 font-mono text-xs">{isoUtc(e.timeMs).replace('T', ' ').slice(0, 19)}</td>
              <td><Badge tone={TONE[e.severity]}>{e.severity}</Badge></td>
              <td className="font-mono text-xs">{e.code}</td>
              <td className="font-mono text-xs">{e.subject.kind}:{e.subject.id}</td>
              <td>{e.message}</td>
              <td className="text-xs">{e.actor}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
