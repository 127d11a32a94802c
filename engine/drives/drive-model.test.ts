// Drive model and MTTDL estimate: hand-computed values, state transitions, and bad input
// rejected with an error naming the field.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dailyWriteBudgetBytes, derivedDriveState, driveHealth, driveSpec, failDrive, MS_PER_DAY, percentageUsed,
  predictedRemainingLifeDays, ratedEnduranceBytes, removeDrive, validateDriveFault, writeRateBytesPerDay, type DriveCounters,
} from './drive-model';
import { estimateMttdl } from './mttdl';

const TB = 1e12;
const spec = driveSpec(1 * TB); // 1 TB, DWPD 5: 5 TB/day, 9,130 TB over 1826 days
const healthy: DriveCounters = { bytesWritten: 0, ageMs: 0, temperatureC: 40, mediaErrors: 0, state: 'ok' };

test('the default spec is DWPD 5 over 5 years with MTBF 2,000,000 h', () => {
  assert.deepEqual(spec, { capacityBytes: TB, dwpd: 5, warrantyYears: 5, mtbfHours: 2_000_000 });
  assert.equal(ratedEnduranceBytes(spec), 9130 * TB);
  assert.equal(dailyWriteBudgetBytes(spec), 5 * TB);
  assert.equal(dailyWriteBudgetBytes(driveSpec(3.84 * TB, { dwpd: 1 })), 3.84 * TB);
});

test('percentage used is bytes written over capacity × 5 × 1826 days', () => {
  assert.equal(percentageUsed(spec, 0), 0);
  assert.equal(percentageUsed(spec, 913 * TB), 10);
  assert.equal(percentageUsed(spec, 9130 * TB), 100);
  assert.equal(percentageUsed(spec, 18260 * TB), 200); // past the rating, as NVMe reports it
});

test('write rate over a window and predicted remaining life at that rate', () => {
  const rate = writeRateBytesPerDay({ atMs: MS_PER_DAY, bytesWritten: 1 * TB }, { atMs: 3 * MS_PER_DAY, bytesWritten: 5 * TB });
  assert.equal(rate, 2 * TB); // 4 TB over 2 days
  assert.equal(writeRateBytesPerDay({ atMs: 0, bytesWritten: 0 }, { atMs: MS_PER_DAY / 4, bytesWritten: TB }), 4 * TB);
  // 10% used: 8,217 TB left at 2 TB/day = 4108.5 days.
  assert.equal(predictedRemainingLifeDays(spec, 913 * TB, 2 * TB), 4108.5);
  assert.equal(predictedRemainingLifeDays(spec, 913 * TB, 0), null);
  assert.equal(predictedRemainingLifeDays(spec, 9200 * TB, 2 * TB), 0);
  assert.equal(predictedRemainingLifeDays(spec, 9200 * TB, 0), 0);
});

test('ok → warning on wear ≥ 90%, temperature ≥ 70 °C or any media error; a cooled drive returns to ok', () => {
  assert.equal(derivedDriveState(spec, healthy), 'ok');
  assert.equal(derivedDriveState(spec, { ...healthy, bytesWritten: 8216 * TB }), 'ok'); // 89.99%
  assert.equal(derivedDriveState(spec, { ...healthy, bytesWritten: 8217 * TB }), 'warning'); // 90%
  assert.equal(derivedDriveState(spec, { ...healthy, temperatureC: 69.9 }), 'ok');
  assert.equal(derivedDriveState(spec, { ...healthy, temperatureC: 70 }), 'warning');
  assert.equal(derivedDriveState(spec, { ...healthy, mediaErrors: 1 }), 'warning');
  assert.equal(derivedDriveState(spec, { ...healthy, state: 'warning' }), 'ok');
});

test('failed and removed are entered explicitly and kept whatever the readings', () => {
  assert.equal(failDrive('ok'), 'failed');
  assert.equal(failDrive('warning'), 'failed');
  assert.equal(failDrive('removed'), 'removed');
  assert.equal(removeDrive('failed'), 'removed');
  assert.equal(removeDrive('ok'), 'removed');
  assert.equal(derivedDriveState(spec, { ...healthy, state: 'failed' }), 'failed');
  assert.equal(derivedDriveState(spec, { ...healthy, state: 'removed', mediaErrors: 3 }), 'removed');
});

test('drive health gathers what the console shows, with the reasons for a warning', () => {
  const health = driveHealth(spec, { bytesWritten: 8400 * TB, ageMs: 730 * MS_PER_DAY, temperatureC: 72, mediaErrors: 2, state: 'ok' }, 2 * TB);
  assert.equal(health.state, 'warning');
  assert.deepEqual(health.warnings, ['percentage used 92.0% ≥ 90%', 'temperature 72 °C ≥ 70 °C', '2 media error(s)']);
  assert.equal(health.dailyWriteBudgetBytes, 5 * TB);
  assert.equal(health.predictedRemainingLifeDays, 365); // 730 TB left at 2 TB/day
  assert.equal(health.ageDays, 730);
  assert.equal(driveHealth(spec, healthy, 0).predictedRemainingLifeDays, null);
});

test('MTTDL ≈ MTBF² / (drives × peers × rebuild hours), returned with its inputs', () => {
  // 12 drives, every other drive a peer, 1 h rebuild: 4e12 / 132 h.
  const all = estimateMttdl({ driveCount: 12, mtbfHours: 2_000_000, rebuildHours: 1 });
  assert.equal(all.mttdlHours, 4e12 / 132);
  assert.deepEqual(all.inputs, { driveCount: 12, mtbfHours: 2_000_000, rebuildHours: 1, peersPerDrive: 11 });
  // 3 nodes × 4 drives, peers = the 8 drives on other nodes, 30 min rebuild: 4e12 / 48 h.
  const paired = estimateMttdl({ driveCount: 12, mtbfHours: 2_000_000, rebuildHours: 0.5, peersPerDrive: 8 });
  assert.equal(paired.mttdlHours, 4e12 / 48);
  assert.equal(paired.mttdlYears, 4e12 / 48 / 8766);
  // Mirrored pairs: M² / (D R) = 1e4² / (2 × 10).
  assert.equal(estimateMttdl({ driveCount: 2, mtbfHours: 10_000, rebuildHours: 10 }).mttdlHours, 5_000_000);
  // Halving the rebuild time doubles the MTTDL.
  assert.equal(estimateMttdl({ driveCount: 12, mtbfHours: 2_000_000, rebuildHours: 0.5 }).mttdlHours, 2 * all.mttdlHours);
});

test('bad input is rejected with an error naming the field', () => {
  assert.throws(() => driveSpec(0), /^Error: capacityBytes:/);
  assert.throws(() => driveSpec(TB, { dwpd: -1 }), /^Error: dwpd:/);
  assert.throws(() => driveSpec(TB, { mtbfHours: Number.NaN }), /^Error: mtbfHours:/);
  assert.throws(() => percentageUsed(spec, -1), /^Error: bytesWritten:/);
  assert.throws(() => writeRateBytesPerDay({ atMs: 10, bytesWritten: 5 }, { atMs: 5, bytesWritten: 6 }), /^Error: to\.atMs:/);
  assert.throws(() => writeRateBytesPerDay({ atMs: 10, bytesWritten: 5 }, { atMs: 10, bytesWritten: 6 }), /^Error: to\.atMs: must be later/);
  assert.throws(() => writeRateBytesPerDay({ atMs: 0, bytesWritten: 5 }, { atMs: 10, bytesWritten: 4 }), /^Error: to\.bytesWritten:/);
  assert.throws(() => predictedRemainingLifeDays(spec, 0, -1), /^Error: rateBytesPerDay:/);
  assert.throws(() => derivedDriveState(spec, { ...healthy, mediaErrors: 1.5 }), /^Error: mediaErrors:/);
  assert.throws(() => derivedDriveState(spec, { ...healthy, ageMs: -1 }), /^Error: ageMs:/);
  assert.throws(() => derivedDriveState(spec, { ...healthy, temperatureC: Number.POSITIVE_INFINITY }), /^Error: temperatureC:/);
  assert.throws(() => derivedDriveState(spec, { ...healthy, state: 'broken' as never }), /^Error: state:/);
  assert.throws(() => validateDriveFault({ mode: 'slow', extraLatencyMs: -5 }), /^Error: extraLatencyMs:/);
  assert.throws(() => validateDriveFault({ mode: 'errors', errorProbability: 1.5 }), /^Error: errorProbability:/);
  validateDriveFault({ mode: 'failed' });
  validateDriveFault({ mode: 'errors', errorProbability: 0.01 });
  assert.throws(() => estimateMttdl({ driveCount: 1, mtbfHours: 1, rebuildHours: 1 }), /^Error: driveCount:/);
  assert.throws(() => estimateMttdl({ driveCount: 4, mtbfHours: 0, rebuildHours: 1 }), /^Error: mtbfHours:/);
  assert.throws(() => estimateMttdl({ driveCount: 4, mtbfHours: 1, rebuildHours: -1 }), /^Error: rebuildHours:/);
  assert.throws(() => estimateMttdl({ driveCount: 4, mtbfHours: 1, rebuildHours: 1, peersPerDrive: 4 }), /^Error: peersPerDrive: must be an integer 1\.\.3/);
});
