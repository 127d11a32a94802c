// Migration and rebuild throughput on the real embedded cluster (lmdb drives, in-process
// transport): load objects, scale out 3 → 4 nodes, then fail a drive and time its re-protection.
// Rates are reported with the client write rate of the same run as the baseline, because the
// absolute numbers depend on the machine.
//
//   node --import tsx bench/migration.ts --objects N --object-bytes B --writers W [--json-out FILE]
// (`npm run bench` runs it with its mode's sizes and reads the figures from --json-out.)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadClusterConfig } from '../server/config/cluster-config';
import { EmbeddedCluster } from '../server/cluster/embedded-cluster';
import { ROOT_DIR } from '../server/index';
import { until } from '../server/testing/until';

const { values } = parseArgs({ options: { objects: { type: 'string', default: '2000' }, 'object-bytes': { type: 'string', default: '32768' }, writers: { type: 'string', default: '8' }, 'json-out': { type: 'string' } }, strict: false });
const OBJECTS = Number(values.objects);
const OBJECT_BYTES = Number(values['object-bytes']);
const WRITERS = Number(values.writers);
const MB = 1e6;
const SLICES_TOTAL = 4096;


async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-migration-'));
  const cluster = await EmbeddedCluster.open({ dataDir, config: loadClusterConfig(join(ROOT_DIR, 'cluster.yml')), log: () => undefined });
  try {
    // Baseline: client writes (each on two copies) into the same cluster, same run.
    const value = new Uint8Array(OBJECT_BYTES).fill(120);
    let next = 0;
    const loadStart = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, async () => {
      while (next < OBJECTS) {
        const key = `obj-${next++}`;
        const result = await cluster.data.put('default', key, value, {});
        if (!result.ok) throw new Error(`put ${key}: ${result.code} ${result.message}`);
      }
    }));
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const loadedMB = (OBJECTS * OBJECT_BYTES) / MB;
    const writeMBps = loadedMB / loadSeconds;

    // Scale-out 3 → 4 nodes.
    const copiedBefore = cluster.copiedBytes();
    const scaleStart = performance.now();
    const { operationId } = await cluster.scaleOut({ nodes: 1, vnsPerNode: 4, drivesPerNode: 4, driveCapacityBytes: 3_840_000_000_000, actor: 'bench' });
    const done = await until(() => cluster.controllerState().operations.find((op) => op.id === operationId)?.state === 'done', 600_000);
    if (!done) throw new Error('scale-out did not finish within 10 minutes');
    const scaleSeconds = (performance.now() - scaleStart) / 1000;
    const op = cluster.operationViews().find((o) => o.id === operationId);
    const migratedMB = (cluster.copiedBytes() - copiedBefore) / MB;

    // A drive fails: its slices are re-protected from many peers.
    const drive = 'node-2/drive-1';
    const rebuildBefore = cluster.copiedBytes();
    const failStart = performance.now();
    await cluster.injectDriveFault(drive, { mode: 'failed' });
    const reprotected = await until(() => cluster.overview().counts.slicesTwoCopies === SLICES_TOTAL, 600_000);
    if (!reprotected) throw new Error('not re-protected within 10 minutes');
    const rebuildSeconds = (performance.now() - failStart) / 1000;
    const rebuiltMB = (cluster.copiedBytes() - rebuildBefore) / MB;

    const rows: Array<[string, string]> = [
      ['data loaded', `${OBJECTS} objects × ${OBJECT_BYTES} B = ${loadedMB.toFixed(1)} MB in ${loadSeconds.toFixed(1)} s`],
      ['client write rate (baseline)', `${writeMBps.toFixed(2)} MB/s (two copies each)`],
      ['scale-out 3 → 4: moves / ideal', `${op?.plannedMoves ?? '?'} / ${op?.idealMoves ?? '?'} = ${op?.movesRatio?.toFixed(3) ?? '?'}`],
      ['scale-out: copied', `${migratedMB.toFixed(1)} MB in ${scaleSeconds.toFixed(1)} s`],
      ['migration rate', `${(migratedMB / scaleSeconds).toFixed(2)} MB/s = ${(migratedMB / scaleSeconds / writeMBps).toFixed(2)} × client write rate`],
      ['drive failure: re-protected', `${rebuiltMB.toFixed(1)} MB in ${rebuildSeconds.toFixed(2)} s`],
      ['rebuild rate', `${(rebuiltMB / rebuildSeconds).toFixed(2)} MB/s = ${(rebuiltMB / rebuildSeconds / writeMBps).toFixed(2)} × client write rate`],
    ];
    if (typeof values['json-out'] === 'string') {
      writeFileSync(values['json-out'], JSON.stringify({
        objects: OBJECTS, objectBytes: OBJECT_BYTES, loadSeconds, writeMBps,
        plannedMoves: op?.plannedMoves ?? null, idealMoves: op?.idealMoves ?? null,
        migratedMB, migrationSeconds: scaleSeconds, migrationMBps: migratedMB / scaleSeconds,
        rebuiltMB, rebuildSeconds, rebuildMBps: rebuiltMB / rebuildSeconds,
      }));
    }
    console.log('| measure | value |\n|---|---|');
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  } finally {
    await cluster.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
