import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOAD_SCALE, STATE_COLOURS, UNKNOWN_COLOUR, legendOf, loadStep, parseColouring, sliceColours } from './heatmap-colours';

const map = { vnIds: ['a', 'b'], primary: [0, 1, 0, 1], secondary: [1, 0, 1, 0], epoch: [1, 1, 1, 1], inSyncCount: [2, 1, 0, 2] };

test('copy state colours name two, one and no copies', () => {
  assert.deepEqual(sliceColours(map, 'state', undefined), [STATE_COLOURS.two, STATE_COLOURS.one, STATE_COLOURS.none, STATE_COLOURS.two]);
  assert.deepEqual(legendOf(map, 'state', undefined, String).map((e) => e.label), ['2 copies', '1 copy', 'no copy']);
});

test('load colours scale from the least to the most loaded slice, unknown in grey', () => {
  const usage = { keys: [0, 10, 5, -1], bytes: [0, 0, 0, 0] };
  const colours = sliceColours(map, 'keys', usage);
  assert.equal(colours[0], LOAD_SCALE[0]);
  assert.equal(colours[1], LOAD_SCALE[LOAD_SCALE.length - 1]);
  assert.equal(colours[3], UNKNOWN_COLOUR);
  assert.equal(loadStep(5, 10), 2);
  const legend = legendOf(map, 'keys', usage, String);
  assert.equal(legend.length, LOAD_SCALE.length + 1);
  assert.equal(legend[legend.length - 1]?.label, 'unknown (no readable copy)');
  assert.deepEqual(legendOf(map, 'bytes', usage, String).map((e) => e.label), ['0']);
});

test('primary colours give one legend entry per VN; an unknown colouring in the URL falls back to primary', () => {
  assert.deepEqual(legendOf(map, 'primary', undefined, String).map((e) => e.label), ['a', 'b']);
  assert.equal(parseColouring('bytes'), 'bytes');
  assert.equal(parseColouring('nonsense'), 'primary');
  assert.equal(parseColouring(null), 'primary');
});
