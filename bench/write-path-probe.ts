// A quick probe of the write and read paths on the real embedded cluster (lmdb drives, the
// in-process hub): N puts and then N gets of VALUE_BYTES values through the client library in
// this process, closed loop at each concurrency, ops/s and p50/p99; optionally the same over the
// HTTP data API (a server and a keep-alive client in this process), and a timeline of single
// requests (client → primary → secondary → ack) from the engine's own stage marks.
//
//   node --import tsx bench/write-path-probe.ts --ops 3000 --concurrency 1,16,128 [--http] [--timeline]
//   node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/write-path-probe.ts --ops 5000 --concurrency 128
//
// Not a test: numbers depend on the machine. The `npm run bench` harness is the full comparison.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadClusterConfig } from '../server/config/cluster-config';
import { EmbeddedCluster } from '../server/cluster/embedded-cluster';
import { handleDataApi } from '../server/http/data-api';
import { ROOT_DIR } from '../server/index';
import { InProcessHub } from '../server/runtime/in-process-transport';
import { LmdbStore } from '../server/runtime/lmdb-store';
import type { CommitResult, StoreWrite } from '../engine/runtime/runtime';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '1,16,128' },
    'value-bytes': { type: 'string', default: '1024' },
    http: { type: 'boolean', default: false },
    gets: { type: 'boolean', default: true },
    'no-gets': { type: 'boolean', default: false },
    timeline: { type: 'boolean', default: false },
  },
  strict: false,
});
const OPS = Number(values.ops);
const CONCURRENCIES = String(values.concurrency).split(',').map(Number);
const VALUE_BYTES = Number(values['value-bytes']);
const WITH_GETS = values['no-gets'] !== true;

interface PhaseResult { readonly name: string; readonly opsPerSecond: number; readonly p50Ms: number; readonly p99Ms: number; readonly cpuShare: number }

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Runs `op(i)` OPS times with `concurrency` callers in a closed loop. */
async function phase(name: string, concurrency: number, op: (i: number) => Promise<void>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let next = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < OPS) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  return { name, opsPerSecond: OPS / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), cpuShare: (cpu.user + cpu.system) / 1e6 / seconds };
}

function print(result: PhaseResult): void {
  console.log(`${result.name.padEnd(26)} ${result.opsPerSecond.toFixed(0).padStart(7)} ops/s   p50 ${result.p50Ms.toFixed(2).padStart(7)} ms   p99 ${result.p99Ms.toFixed(2).padStart(7)} ms   cpu ${(result.cpuShare * 100).toFixed(0)}% of a core`);
}

function httpCall(agent: Agent, port: number, method: string, path: string, body?: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body === undefined ? {} : { 'content-length': String(body.length), 'content-type': 'application/octet-stream' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
}

// The timeline: while `tracing`, every hub message sent and every store commit (handed over and
// durable) is noted with its time, so one put shows where its time goes.
let tracing = false;
let traceStartMs = 0;
const trace: string[] = [];
function note(line: string): void {
  if (tracing) trace.push(`${(performance.now() - traceStartMs).toFixed(3).padStart(8)} ms  ${line}`);
}
if (values.timeline === true) {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this)
  const endpoint = InProcessHub.prototype.endpoint;
  InProcessHub.prototype.endpoint = function (this: InProcessHub, nodeId) {
    const transport = endpoint.call(this, nodeId);
    return {
      send: (to, message) => {
        note(`send ${nodeId} → ${to}: ${String((message as { kind?: unknown }).kind)}`);
        transport.send(to, message);
      },
      onReceive: (handler) => transport.onReceive((envelope) => {
        note(`recv ${envelope.to} ← ${envelope.from}: ${String((envelope.message as { kind?: unknown }).kind)}`);
        handler(envelope);
      }),
    };
  };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this)
  const commit = LmdbStore.prototype.commit;
  LmdbStore.prototype.commit = function (this: LmdbStore, writes: readonly StoreWrite[], onDurable: (result: CommitResult) => void) {
    const where = this.path.split('/').slice(-2).join('/');
    note(`commit ${where}: ${writes.length} writes handed over`);
    commit.call(this, writes, (result) => {
      note(`commit ${where}: durable`);
      onDurable(result);
    });
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-write-probe-'));
  const cluster = await EmbeddedCluster.open({ dataDir, config: loadClusterConfig(join(ROOT_DIR, 'cluster.yml')), log: () => undefined });
  let server: Server | undefined;
  try {
    const value = new Uint8Array(VALUE_BYTES).fill(120);
    // Warm up: slice maps cached, leases held, JIT warm.
    for (let i = 0; i < 200; i++) {
      const r = await cluster.data.put('default', `warm-${i}`, value, {});
      if (!r.ok) throw new Error(`warm-up put: ${r.code} ${r.message}`);
    }
    if (values.timeline === true) {
      for (let i = 0; i < 3; i++) {
        trace.length = 0;
        tracing = true;
        traceStartMs = performance.now();
        await cluster.data.put('default', `timeline-${i}`, value, {});
        note('client has the answer');
        tracing = false;
        console.log(`--- timeline of put ${i}\n${trace.join('\n')}`);
      }
    }
    for (const concurrency of CONCURRENCIES) {
      print(await phase(`lib put c=${concurrency}`, concurrency, async (i) => {
        const r = await cluster.data.put('default', `k-${concurrency}-${i}`, value, {});
        if (!r.ok) throw new Error(`put: ${r.code} ${r.message}`);
      }));
      if (WITH_GETS) {
        print(await phase(`lib get c=${concurrency}`, concurrency, async (i) => {
          const r = await cluster.data.get('default', `k-${concurrency}-${i}`);
          if (!r.ok) throw new Error(`get: ${r.code} ${r.message}`);
        }));
      }
    }
    if (values.http === true) {
      server = createServer((req, res) => handleDataApi(cluster, req, res));
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      for (const concurrency of CONCURRENCIES) {
        const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
        print(await phase(`http put c=${concurrency}`, concurrency, async (i) => {
          const status = await httpCall(agent, port, 'PUT', `/api/v1/containers/default/objects/h-${concurrency}-${i}`, value);
          if (status >= 300) throw new Error(`http put: ${status}`);
        }));
        if (WITH_GETS) {
          print(await phase(`http get c=${concurrency}`, concurrency, async (i) => {
            const status = await httpCall(agent, port, 'GET', `/api/v1/containers/default/objects/h-${concurrency}-${i}`);
            if (status >= 300) throw new Error(`http get: ${status}`);
          }));
        }
        agent.destroy();
      }
    }
  } finally {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    await cluster.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
