// One data node: its state, last heartbeat, VNs and drives.
import type { NodeOverview } from '@/server/cluster/overview';
import { Badge } from '../badge';
import { formatAgo, formatBytes } from '../format';

export function NodeCard({ node }: { node: NodeOverview }) {
  const tone = node.state === 'up' ? 'good' : node.state === 'starting' ? 'warn' : 'bad';
  return (
    <section aria-label={`node ${node.id}`} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <header className="mb-3 flex items-center justify-between gap-2">
        <h3 className="font-semibold">{node.id}</h3>
        <Badge tone={tone} label={`${node.id} state`}>{node.state}</Badge>
      </header>
      <p className="mb-3 text-xs text-slate-500 dark:text-slate-400">last heartbeat {formatAgo(node.lastHeartbeatAgoMs)}</p>
      {node.error !== null && <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-300">{node.error}</p>}
      <h4 className="text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Virtual nodes ({node.vns.length})</h4>
      <ul aria-label={`${node.id} virtual nodes`} className="mb-3 mt-1 grid grid-cols-2 gap-1 text-sm">
        {node.vns.map((vn) => (
          <li key={vn.id} aria-label={vn.id} className="rounded bg-slate-50 px-2 py-1 dark:bg-slate-900">
            <span className="font-mono">{vn.id.split('/')[1]}</span>{' '}
            <span className="text-xs text-slate-500 dark:text-slate-400">on {vn.driveId.split('/')[1]}</span>
            <div className="text-xs" title="slices this VN is primary / secondary for">
              <span aria-label={`${vn.id} primaries`}>P {vn.primaries}</span> · <span aria-label={`${vn.id} secondaries`}>S {vn.secondaries}</span>
            </div>
          </li>
        ))}
      </ul>
      <h4 className="text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Drives ({node.drives.length})</h4>
      <table aria-label={`${node.id} drives`} className="mt-1 w-full text-left text-sm">
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr><th className="font-medium">drive</th><th className="font-medium">capacity</th><th className="font-medium">written</th><th className="font-medium">state</th></tr>
        </thead>
        <tbody>
          {node.drives.map((d) => (
            <tr key={d.id}>
              <td className="font-mono">{d.id.split('/')[1]}</td>
              <td>{formatBytes(d.capacityBytes)}</td>
              <td>{formatBytes(d.bytesWritten)}</td>
              <td>{d.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
