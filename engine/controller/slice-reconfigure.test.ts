import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTopology } from '../topology/topology';
import type { SliceChange } from './commands';
import { failoverContainer } from './slice-failover';
import { vnHealth } from './vn-health';
import { checkSliceChange } from './slice-reconfigure';
import type { ContainerRecord } from './state';

const container: ContainerRecord = {
  name: 'c', sliceCount: 64, seedHex: '0'.repeat(16), mapEpoch: 1, createdAtMs: 0,
  slices: [
    { primary: 'node-1/vn-0', secondary: 'node-2/vn-0', epoch: 4, inSync: ['node-1/vn-0', 'node-2/vn-0'] },
    { primary: 'node-2/vn-0', secondary: 'node-3/vn-0', epoch: 2, inSync: ['node-2/vn-0'] },
  ],
};
const change = (overrides: Partial<SliceChange>): SliceChange => ({ container: 'c', slice: 0, expectedEpoch: 4, primary: 'node-1/vn-0', secondary: 'node-2/vn-0', inSync: ['node-1/vn-0'], reason: 'test', ...overrides });

test('a reconfiguration applies only at the expected epoch', () => {
  assert.equal(checkSliceChange(container, change({})), null);
  assert.match(checkSliceChange(container, change({ expectedEpoch: 3 })) ?? '', /expectedEpoch/);
});

test('a copy outside the in-sync set is never promoted', () => {
  assert.match(checkSliceChange(container, change({ slice: 1, expectedEpoch: 2, primary: 'node-3/vn-0', secondary: 'node-2/vn-0', inSync: ['node-3/vn-0'] })) ?? '', /not in the in-sync set/);
  assert.equal(checkSliceChange(container, change({ primary: 'node-2/vn-0', secondary: 'node-1/vn-0', inSync: ['node-2/vn-0'] })), null);
});

test('only the unchanged primary adds its rebuilt secondary to the in-sync set', () => {
  assert.equal(checkSliceChange(container, change({ slice: 1, expectedEpoch: 2, primary: 'node-2/vn-0', secondary: 'node-3/vn-0', inSync: ['node-2/vn-0', 'node-3/vn-0'] })), null);
  assert.match(checkSliceChange(container, change({ slice: 1, expectedEpoch: 2, primary: 'node-2/vn-0', secondary: 'node-1/vn-0', inSync: ['node-2/vn-0', 'node-1/vn-0'] })) ?? '', /not in the in-sync set yet/);
  assert.match(checkSliceChange(container, change({ inSync: ['node-1/vn-0', 'node-3/vn-0'] })) ?? '', /holds no role/);
});

test('failover promotes in-sync secondaries, picks new secondaries on other up nodes, and leaves copy-less slices alone', () => {
  const topology = buildTopology({ nodeCount: 3, vnsPerNode: 1, drivesPerNode: 1, driveCapacityBytes: 1e12 });
  const { container: next, summary } = failoverContainer(container, vnHealth(topology, { 'node-1': 'up', 'node-2': 'down', 'node-3': 'up' }, {}));
  assert.deepEqual(next.slices[0], { primary: 'node-1/vn-0', secondary: 'node-3/vn-0', epoch: 5, inSync: ['node-1/vn-0'] });
  // Slice 1's only in-sync copy is on the down node: nothing can be promoted.
  assert.deepEqual(next.slices[1], container.slices[1]);
  assert.deepEqual(summary, { promoted: 0, secondariesReplaced: 1, unavailable: 1 });
  const lost = failoverContainer(container, vnHealth(topology, { 'node-1': 'down', 'node-2': 'up', 'node-3': 'up' }, {}));
  assert.deepEqual(lost.container.slices[0], { primary: 'node-2/vn-0', secondary: 'node-3/vn-0', epoch: 5, inSync: ['node-2/vn-0'] });
});
