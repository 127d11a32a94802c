// Every drill scenario in rehearsal mode (the simulator): no acknowledged write lost, the
// recorded history linearizable, the cluster restored, and the windows reported. Small loads
// keep the whole file fast; the same seed must replay the same report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../controller/settings';
import { planDrill } from './drill-plan';
import { sliceWindowMs, percentile } from './drill-report';
import { runRehearsal, Rehearsal, type RehearsalShape } from './rehearsal';
import { parseDrillParams, SCENARIO_IDS, type DrillParams } from './scenarios';

const SHAPE: RehearsalShape = { name: 'rehearsal', nodeCount: 4, vnsPerNode: 2, sliceCount: 64, settings: DEFAULT_SETTINGS };
const LOAD = { concurrency: 3, keySpace: 24, valueBytes: 64 };

function params(scenario: string, extra: Partial<{ durationMs: number; target: string }> = {}): DrillParams {
  const parsed = parseDrillParams({ scenario, durationMs: 2_000, load: LOAD, ...extra });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  return parsed.value;
}

for (const scenario of SCENARIO_IDS) {
  test(`rehearsal ${scenario}: 0 acknowledged writes lost, linearizable, restored, windows reported`, () => {
    const result = runRehearsal(`drill-${scenario}`, 4242, params(scenario), SHAPE);
    assert.ok(result.ok, result.ok ? '' : result.message);
    const report = result.value;
    assert.equal(report.scenario, scenario);
    assert.equal(report.mode, 'rehearsal');
    assert.equal(report.ackedWritesLost, 0);
    assert.equal(report.linearizable, true, report.linearizabilityDetail ?? '');
    assert.deepEqual(report.problems, []);
    assert.equal(report.passed, true);
    assert.ok(report.ackedWrites > 0, 'the workload wrote');
    assert.ok(report.affectedSlices > 0, 'some slices were affected');
    assert.ok(report.windowMsP50 !== null && report.windowMsP99 !== null && report.windowMsMax !== null);
    assert.ok(report.windowMsP50 <= report.windowMsP99 && report.windowMsP99 <= report.windowMsMax);
    assert.equal(report.opsAttempted, report.opsOk + report.opsFailed);
    const kinds = report.timeline.map((t) => t.kind);
    assert.ok(kinds.includes('fault-injected') && kinds.includes('restored'), kinds.join(','));
    if (scenario !== 'offline-auto-online') assert.ok(kinds.includes('detected'), `the controller noticed: ${kinds.join(',')}`);
  });
}

test('a rehearsal replays by seed: the same seed gives the same report', () => {
  const a = runRehearsal('drill-a', 77, params('node-kill'), SHAPE);
  const b = runRehearsal('drill-a', 77, params('node-kill'), SHAPE);
  assert.ok(a.ok && b.ok);
  assert.deepEqual(b.value, a.value);
});

test('bad parameters are refused naming the field and the limit', () => {
  const unknown = parseDrillParams({ scenario: 'meteor' });
  assert.ok(!unknown.ok && unknown.message.startsWith('scenario: unknown'));
  const long = parseDrillParams({ scenario: 'node-kill', durationMs: 10_000_000 });
  assert.ok(!long.ok && long.message.includes('durationMs') && long.message.includes('120000'));
  const targetless = parseDrillParams({ scenario: 'leader-kill', target: 'node-2' });
  assert.ok(!targetless.ok && targetless.message.startsWith('target:'));
  const wrongKind = parseDrillParams({ scenario: 'drive-fail', target: 'node-2' });
  assert.ok(!wrongKind.ok && wrongKind.message.includes('drive'));
});

test('a double failure on three nodes is refused: the controller would lose its quorum', () => {
  const prepared = Rehearsal.prepare('drill-x', 5, params('double-failure'), { ...SHAPE, nodeCount: 3 });
  assert.ok(!prepared.ok);
  assert.match(prepared.message, /at least 4 nodes/);
});

test('a target that does not exist is refused', () => {
  const prepared = Rehearsal.prepare('drill-y', 5, params('node-kill', { target: 'node-9' }), SHAPE);
  assert.ok(!prepared.ok);
  assert.match(prepared.message, /target: no node node-9/);
  assert.match(planDrill(params('node-kill'), undefined, undefined).ok ? '' : 'cluster not healthy', /cluster not healthy/);
});

test('a slice window is the longest gap between successful writes across the fault', () => {
  const ok = (callMs: number, returnMs: number) => ({ callMs, returnMs, ok: true });
  // A write waiting since before the fault: the gap counts from the last success.
  assert.equal(sliceWindowMs([ok(90, 100), ok(150, 200), ok(190, 1_400), ok(1_400, 1_450)], 250, 5_000), 1_200);
  // Nobody asked between 200 and 900: the window starts at the first write called after the success.
  assert.equal(sliceWindowMs([ok(90, 100), ok(150, 200), ok(900, 1_400)], 250, 5_000), 500);
  assert.equal(sliceWindowMs([ok(90, 100), ok(150, 200), { callMs: 210, returnMs: null, ok: false }], 250, 5_000), 4_790, 'no success after the fault: until the end');
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile([], 99), null);
});
