// CPU and memory of processes and of the machine, from /proc (Linux): the orchestrator samples
// the server processes around each phase, so a phase whose server sits at one full core (100%)
// shows it is CPU-bound, and the machine's busy share shows whether anything had spare cores.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ). */
const TICKS_PER_SECOND = ((): number => {
  try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; }
})();

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state = field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident memory of a process in bytes; 0 when it is gone. */
export function processRssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

export interface MachineCpu { readonly busyTicks: number; readonly totalTicks: number }

export function machineCpu(): MachineCpu {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busyTicks: total - idle, totalTicks: total };
  } catch {
    return { busyTicks: 0, totalTicks: 0 };
  }
}

/** Share of all cores busy between two samples (0..1). */
export function machineBusyShare(before: MachineCpu, after: MachineCpu): number {
  const total = after.totalTicks - before.totalTicks;
  return total <= 0 ? 0 : (after.busyTicks - before.busyTicks) / total;
}
