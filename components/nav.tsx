'use client';
// Side navigation: links only to pages that exist.
import Link from 'next/link';
import { usePathname } from 'next/navigation';

export const NAV_ITEMS = [
  { href: '/', label: 'Overview' },
  { href: '/slices', label: 'Slice map' },
  { href: '/drives', label: 'Drives' },
  { href: '/data', label: 'Data explorer' },
  { href: '/events', label: 'Events' },
  { href: '/control-plane', label: 'Control plane' },
  { href: '/operations', label: 'Operations' },
  { href: '/regions', label: 'Regions' },
  { href: '/drills', label: 'Drills' },
  { href: '/access', label: 'Users & access' },
] as const;

export function Nav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-1 p-3">
      {NAV_ITEMS.map((item) => {
        const active = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
        return (
          <Link key={item.href} href={item.href} aria-current={active ? 'page' : undefined}
            className={`rounded px-3 py-2 text-sm ${active ? 'bg-slate-200 font-semibold dark:bg-slate-800' : 'hover:bg-slate-100 dark:hover:bg-slate-900'}`}>
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
