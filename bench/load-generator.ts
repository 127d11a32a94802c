// The load generator: a child Node process (forked by bench/run.ts) that drives one system over
// its own protocol with N closed-loop workers, one request each at a time. It takes its orders
// over IPC (bench/protocol.ts): open a system, run phases one by one, close.

import type { Driver } from './drivers/driver';
import { EtcdDriver } from './drivers/etcd';
import { rawHttpDriver, tesseraHttpDriver } from './drivers/http';
import { LibraryDriver } from './drivers/library';
import { LmdbDriver } from './drivers/lmdb';
import type { FromGenerator, PhaseResult, PhaseSpec, SystemTarget, ToGenerator } from './protocol';
import { quantile } from './stats';

/** Latency samples kept per phase (more are counted but not sampled). */
export const LATENCY_SAMPLES_MAX = 2_000_000;
const MB = 1e6;

async function openDriver(target: SystemTarget): Promise<Driver> {
  switch (target.kind) {
    case 'tessera-http': return tesseraHttpDriver(target.url, target.token);
    case 'raw-http': return rawHttpDriver(target.url);
    case 'etcd': return new EtcdDriver(target.endpoints);
    case 'lmdb': return new LmdbDriver(target.dir);
    case 'tessera-library': return LibraryDriver.open(target.dir, target.configPath);
  }
}

async function runPhase(driver: Driver, spec: PhaseSpec): Promise<PhaseResult> {
  const value = new Uint8Array(spec.valueBytes).fill(120);
  const latencies: number[] = [];
  let ops = 0;
  let bytes = 0;
  let errors = 0;
  let firstError: string | null = null;
  let nextKey = 0;
  const cpuBefore = process.cpuUsage();
  const startMs = performance.now();
  const measureFromMs = spec.mode === 'load' ? startMs : startMs + spec.warmupMs;
  const stopAtMs = spec.mode === 'load' ? startMs + (spec.loadCapMs ?? Infinity) : measureFromMs + spec.durationMs;

  const pickKey = (): string | null => {
    if (spec.mode === 'load') return nextKey < spec.keyCount ? `${spec.keyPrefix}${nextKey++}` : null;
    return `${spec.keyPrefix}${Math.floor(Math.random() * spec.keyCount)}`;
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      if (performance.now() >= stopAtMs) return;
      const key = pickKey();
      if (key === null) return;
      const t0 = performance.now();
      try {
        const moved = spec.op === 'put' ? (await driver.put(key, value), spec.valueBytes) : await driver.get(key);
        const t1 = performance.now();
        // Throughput is what completes inside the window (a closed loop's requests may outlast
        // a short phase: counting only those that started in it would count none).
        if (t1 >= measureFromMs && t1 <= stopAtMs) {
          ops++;
          bytes += moved;
          if (latencies.length < LATENCY_SAMPLES_MAX) latencies.push(t1 - t0);
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        // A refusing system must not turn the closed loop into a busy loop.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const endMs = performance.now();
  const seconds = (Math.min(endMs, stopAtMs) - measureFromMs) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    name: spec.name, ops, errors, firstError, seconds,
    opsPerSecond: ops / seconds,
    mbPerSecond: bytes / MB / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    clientCpuShare: (cpu.user + cpu.system) / 1e6 / ((endMs - startMs) / 1000),
    clientRssBytes: process.memoryUsage.rss(),
  };
}

function send(message: FromGenerator): void {
  process.send?.(message);
}

let driver: Driver | null = null;
process.on('message', (message: ToGenerator) => {
  void (async () => {
    try {
      switch (message.type) {
        case 'open':
          driver = await openDriver(message.target);
          send({ type: 'opened' });
          return;
        case 'run':
          if (driver === null) throw new Error('run before open');
          send({ type: 'result', result: await runPhase(driver, message.phase) });
          return;
        case 'close':
          await driver?.close();
          driver = null;
          send({ type: 'closed' });
          process.disconnect();
          return;
      }
    } catch (error) {
      send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
