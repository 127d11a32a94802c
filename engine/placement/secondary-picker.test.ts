import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Assignment, NONE } from './assignment';
import { bestPartner } from './balance';
import { roleTargets } from './bounds';
import { SecondaryPicker } from './secondary-picker';
import type { PlacementVn } from './types';

function vnsFor(nodeCount: number, vnsPerNode: number): PlacementVn[] {
  const out: PlacementVn[] = [];
  for (let n = 0; n < nodeCount; n++) for (let v = 0; v < vnsPerNode; v++) out.push({ id: `node-${n}/vn-${v}`, nodeId: `node-${n}` });
  return out;
}

// The picker replaces a full scan per slice; a different choice would give a different map for
// the same committed command, so every choice must be the scan's, including over maps that
// already hold roles (scale-out, failover, rebalance start from those).
test('the picker chooses exactly the secondary the full scan chooses, slice after slice', () => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 6, max: 10 }).map((e) => 2 ** e),
    fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    (nodes, perNode, sliceCount, keptShare, seed) => {
      const vns = vnsFor(nodes, perNode);
      // Version 1: balance.ts uses the picker only there (version 2's bestPartner adds a node-pair tie-break).
      const a = new Assignment(vns, sliceCount, 1);
      let x = seed;
      const next = (n: number): number => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return (x >>> 8) % n;
      };
      // A partly filled map: every slice has a primary; some keep a secondary already.
      for (let slice = 0; slice < sliceCount; slice++) {
        const p = next(vns.length);
        let s = NONE;
        if (next(1000) < keptShare * 1000) {
          const q = next(vns.length);
          if (!a.sameNode(p, q)) s = q;
        }
        a.set(slice, p, s);
      }
      const targets = roleTargets(sliceCount, a.secondaryCount);
      const picker = new SecondaryPicker(a, targets);
      for (let slice = 0; slice < sliceCount; slice++) {
        if (a.secondary[slice] !== NONE) continue;
        const p = a.primary[slice]!;
        const expected = bestPartner(a, p, (v) => a.secondaryCount[v]! < targets[v]!);
        const picked = picker.pick(p);
        assert.equal(picked, expected, `slice ${slice} (primary ${p}): picker ${picked}, scan ${expected}`);
        const q = picked === NONE ? bestPartner(a, p, () => true) : picked;
        a.set(slice, p, q);
        picker.assigned(p, q);
      }
    }), { numRuns: 300 });
});
