// A coloured state badge; the text always says the state, colour is only a hint.
const TONES = {
  good: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-100',
  warn: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100',
  bad: 'bg-red-100 text-red-900 dark:bg-red-900/50 dark:text-red-100',
  neutral: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
} as const;

export function Badge({ tone, children, label }: { tone: keyof typeof TONES; children: string; label?: string }) {
  return (
    <span aria-label={label} className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wide ${TONES[tone]}`}>
      {children}
    </span>
  );
}
