'use client';
// Primary and secondary roles per VN as grouped bars, with the spread (max − min) of each so
// balance is visible at a glance.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { VnRoles } from '@/engine/controller/slice-views';

export function roleSpread(roles: readonly VnRoles[], key: 'primaries' | 'secondaries'): number {
  if (roles.length === 0) return 0;
  const values = roles.map((r) => r[key]);
  return Math.max(...values) - Math.min(...values);
}

export function VnRolesChart({ roles }: { roles: readonly VnRoles[] }) {
  return (
    <figure aria-label="roles per VN">
      <figcaption className="mb-2 text-sm text-slate-600 dark:text-slate-300">
        primaries per VN spread <strong aria-label="primary spread">{roleSpread(roles, 'primaries')}</strong>,
        secondaries per VN spread <strong aria-label="secondary spread">{roleSpread(roles, 'secondaries')}</strong> (max − min; 0 or 1 is balanced)
      </figcaption>
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={roles.map((r) => ({ ...r, vn: r.vnId.replace('node-', 'n').replace('/vn-', '.') }))}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="vn" fontSize={10} interval={0} angle={-45} textAnchor="end" height={40} />
            <YAxis fontSize={10} />
            <Tooltip />
            <Legend />
            <Bar dataKey="primaries" fill="#2563eb" isAnimationActive={false} />
            <Bar dataKey="secondaries" fill="#f59e0b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
