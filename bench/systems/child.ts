// Helpers for the child processes the benchmark starts: wait for a line, stop for sure.

import type { ChildProcess } from 'node:child_process';

/** Grace a stopped child gets after SIGTERM before SIGKILL. */
export const CHILD_STOP_GRACE_MS = 10_000;

/** Resolves with the first match of `pattern` in the child's output; rejects on exit or timeout. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        // Keep the pipes flowing (a full pipe would stall the child) but stop collecting.
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${String(code)}:\n${output.slice(-2000)}`)); });
  });
}

/** SIGTERM, then SIGKILL after the grace; resolves once the child has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_GRACE_MS);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}
