// The node-kill drill live against a real embedded cluster, through the tRPC router: the
// operator's confirmation is required, one drill runs at a time, viewers may read but not run,
// and the report's numbers are sane: 0 acknowledged writes lost, linearizable, a window
// measured and the cluster restored.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TRPCError } from '@trpc/server';
import { loadClusterConfig } from '../config/cluster-config';
import { EmbeddedCluster } from '../cluster/embedded-cluster';
import { appRouter } from '../routers/_app';
import { createCallerFactory } from '../trpc';
import { testContext } from '../testing/context';
import { until } from '../testing/until';
import { clusterHealthProblem } from '../../engine/drills/drill-plan';
import { drillServiceFor } from './drill-service';

// A 2 s detector: a machine shared by many test processes must not flag healthy nodes.
const CONFIG = `cluster:
  name: drill-live
topology:
  nodes: 3
  vnsPerNode: 2
  drivesPerNode: 2
  driveCapacityBytes: 3840000000000
settings:
  autoOnlineTimeoutSeconds: 600
  heartbeatIntervalMs: 100
  failureDetectionTimeoutMs: 2000
  degradedWritePolicy: accept
  rebuildThrottleMBps: 0
  autoRebalance: true
containers:
  default:
    slices: 256
`;

const createCaller = createCallerFactory(appRouter);

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TRPCError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

test('live node-kill drill on the embedded cluster: confirmed, one at a time, 0 lost, linearizable, window measured', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-drill-live-'));
  writeFileSync(join(dataDir, 'cluster.yml'), CONFIG);
  const cluster = await EmbeddedCluster.open({ dataDir: join(dataDir, 'data'), config: loadClusterConfig(join(dataDir, 'cluster.yml')), log: () => undefined });
  try {
    assert.ok(await until(() => clusterHealthProblem(cluster.controllerState()) === null, 20_000), 'the new cluster is healthy');
    const operator = createCaller(testContext(cluster, 'operator'));
    const viewer = createCaller(testContext(cluster, 'viewer'));
    const request = { scenario: 'node-kill' as const, mode: 'live' as const, durationSeconds: 2, load: { concurrency: 4, keySpace: 32, valueBytes: 64 } };

    assert.equal((await refusal(viewer.drills.run({ ...request, confirm: 'drill-live' }))).code, 'FORBIDDEN');
    const unconfirmed = await refusal(operator.drills.run({ ...request, confirm: 'wrong-name' }));
    assert.equal(unconfirmed.code, 'PRECONDITION_FAILED');
    assert.match(unconfirmed.message, /confirm: .*drill-live/);

    const started = await operator.drills.run({ ...request, confirm: 'drill-live' });
    assert.equal(started.targets.length, 1);
    const busy = await refusal(operator.drills.run({ ...request, mode: 'rehearsal' }));
    assert.equal(busy.code, 'CONFLICT');
    assert.ok((await viewer.drills.status())?.running);

    await drillServiceFor(cluster).whenIdle();
    const status = await viewer.drills.status();
    assert.equal(status?.error, null);
    assert.ok(status.reportId !== null);
    const report = await viewer.drills.report({ id: status.reportId });
    console.log(`live node-kill of ${report.targets.join(',')}: window p50 ${report.windowMsP50} ms, p99 ${report.windowMsP99} ms, max ${report.windowMsMax} ms; ${report.opsOk} ops ok, ${report.opsFailed} failed`);
    assert.equal(report.scenario, 'node-kill');
    assert.equal(report.mode, 'live');
    assert.equal(report.ackedWritesLost, 0);
    assert.equal(report.linearizable, true, report.linearizabilityDetail ?? '');
    assert.deepEqual(report.problems, []);
    assert.ok(report.ackedWrites > 0 && report.opsOk > 0);
    assert.ok(report.windowMsP99 !== null && report.windowMsMax !== null && report.windowMsP99 > 0 && report.windowMsMax < 60_000, `window ${report.windowMsP99}/${report.windowMsMax}`);
    const kinds = report.timeline.map((t) => t.kind);
    for (const kind of ['fault-injected', 'detected', 'promoted', 'restored'] as const) assert.ok(kinds.includes(kind), `${kind} in ${kinds.join(',')}`);
    assert.equal(cluster.controllerState().nodeStates[report.targets[0] ?? ''], 'up', 'the killed node was restarted');
    const history = await viewer.drills.history();
    assert.equal(history[0]?.id, report.id);
  } finally {
    await cluster.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
