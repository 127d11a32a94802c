import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCommand } from '../../engine/controller/apply';
import { DEFAULT_SETTINGS } from '../../engine/controller/settings';
import { emptyControllerState, type ControllerState } from '../../engine/controller/state';
import { defaultControllerWiring } from '../../engine/node/controller-wiring';
import { buildTopology } from '../../engine/topology/topology';
import { previewRebalance } from './rebalance-preview';

const placement = defaultControllerWiring(100).placement;
const base = { actor: 'test', timeMs: 1_700_000_000_000 };
const topology = buildTopology({ nodeCount: 3, vnsPerNode: 2, drivesPerNode: 2, driveCapacityBytes: 1e12 });

function bootstrapped(): ControllerState {
  const outcome = applyCommand(emptyControllerState(DEFAULT_SETTINGS), {
    ...base, type: 'bootstrap', clusterId: 'c'.repeat(32), name: 't', topology, settings: DEFAULT_SETTINGS,
    containers: [{ name: 'default', sliceCount: 256, seedHex: '0123456789abcdef' }],
  }, 1, placement);
  assert.equal(outcome.result.ok, true);
  return outcome.state;
}

test('a balanced cluster previews a rebalance with no moves, and the committed state is untouched', () => {
  const state = bootstrapped();
  const preview = previewRebalance(state, base.timeMs);
  assert.deepEqual(preview, { plannedMoves: 0, idealMoves: preview.idealMoves, problem: null, balanced: true });
  assert.equal(state.operations.length, 0);
});

test('while another operation runs, the preview says why a rebalance cannot start', () => {
  const state = bootstrapped();
  const running = { ...state, operations: [{ ...({} as ControllerState['operations'][number]), id: 'op-1', kind: 'scale-out', state: 'running' } as ControllerState['operations'][number]] };
  const preview = previewRebalance(running, base.timeMs);
  assert.notEqual(preview.problem, null);
  assert.match(preview.problem ?? '', /op-1|running/);
});
