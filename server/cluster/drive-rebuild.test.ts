import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControllerState } from '../../engine/controller/state';
import { copiesHeldByVn, pendingCopiesByVn, pendingCopiesOfDrive } from './drive-rebuild';

const slices = [
  { primary: 'a', secondary: 'b', epoch: 1, inSync: ['a', 'b'] },
  { primary: 'b', secondary: 'c', epoch: 1, inSync: ['b', 'c'] },
  { primary: 'c', secondary: 'a', epoch: 1, inSync: ['c', 'a'] },
];
const stateWith = (opState: 'running' | 'done'): ControllerState => ({
  containers: { default: { name: 'default', sliceCount: 3, seedHex: '0', mapEpoch: 1, createdAtMs: 0, slices } },
  operations: [{ id: 'op-1', kind: 'rebalance', state: opState, actor: 't', startedAtMs: 0, finishedAtMs: null, nodes: [], plannedMoves: 2, idealMoves: 2, message: '',
    targets: { default: [['a', 'b'], ['d', 'c'], ['c', 'd']] } }],
} as unknown as ControllerState);

test('the VNs a running operation still has to copy onto are counted per VN and per drive', () => {
  const pending = pendingCopiesByVn(stateWith('running'));
  assert.deepEqual([...pending.entries()], [['d', 2]]);
  assert.equal(pendingCopiesOfDrive(pending, ['d', 'e']), 2);
  assert.equal(pendingCopiesOfDrive(pending, ['a']), 0);
});

test('with no running operation nothing is rebuilding', () => {
  assert.equal(pendingCopiesByVn(stateWith('done')).size, 0);
});

test('copies held count every in-sync copy of each VN', () => {
  const held = copiesHeldByVn(stateWith('done'));
  assert.deepEqual(Object.fromEntries(held), { a: 2, b: 2, c: 2 });
});
