// The cluster swarm in `npm test`: determinism, the canaries (each broken safety rule must be
// caught), and every seed that ever failed, pinned. The fresh seeds of every run are in
// cluster-swarm-fresh-{1,2}.test.ts, two files so each stays within the per-file time limit.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_CANARIES, type DataPlaneCanaries } from '../dataplane/replica-context';
import { runClusterSwarm } from './cluster-swarm';
import { describeSeed as describe } from '../../scripts/swarm-fresh-seeds';

const CANARY_SEED_LIMIT = 200;

/**
 * Seeds that failed once, with the bug each found. (The seed numbers refer to the swarm of the
 * commit that pinned them; they keep running as regression cases.)
 */
const REGRESSION_SEEDS: ReadonlyArray<readonly [number, string]> = [
  [7, 'a CAS retried after its answer was lost was reported failed: dedup looked only at the object\'s last writer'],
  [11, 'a put retried after 10 other writes of the key was applied twice: a bounded writer history in the record'],
  [2, 'nodes outside the 3 controller voters never received the slice maps: they now follow Raft as learners'],
  [3, 'same as seed 2 (slices stuck at one copy with 4 nodes)'],
  [5, 'same as seed 2'],
  [6, 'same as seed 2'],
  [69, 'with torn writes on drives, an object landed without its dedup record and its retry applied twice'],
  [151, 'after bit rot, a rebuild skipped the corrupt record and a repair deleted it (silent loss)'],
  [100054, 'bit rot on the only in-sync copy of a degraded slice: the swarm now rots only two-copy slices, and tolerates a loud loss'],
  [101224, 'a rotten dedup record read as absent let a retried put apply twice: dedup records are repaired too, or the write refused'],
  [20001725, 'a primary restarted unnoticed at its epoch had lost a write its secondary held (with the dedup record): reconciliation now pulls too'],
  [20007499, 'a late attempt of a timed-out put, queued behind a stalled write, was applied again after settledBelow dropped its dedup record: settled marks refuse it'],
  [20008592, 'a learner\'s first Raft hard state (slot 1) failed its fsync and was torn by the restart, slot 0 never written: recovery refused it as "every slot is damaged" instead of the initial state'],
  [20003139, 'the first leader fail-stopped (fsync error) with the bootstrap proposal: the harness never proposed it again, and the stopped replica still claimed to lead'],
  [20006803, 'same as seed 20003139'],
  [40000904, 'a primary restarted with a controller state older than a second copy rejoining the in-sync set, and wrote to itself alone, unfenced; the write was lost at the failover. Single-copy writes now need the lease'],
  [6457953, 'the swarm swapped in a new drive before the old one\'s death was committed: its node\'s primary read an empty slice. Replacement now waits for the committed failure, and a primary serves nothing from a failed drive'],
  [40009065, 'the network delivered a conditional put twice: the first copy failed its condition and answered, the second found the key deleted meanwhile and wrote. A failed condition is now recorded in the dedup table on both copies before it is answered'],
  [40009457, 'an fsync error on a healthy drive of a node with a dead drive was taken for the dead drive\'s: the node ran on and the write waiting on that commit held its key locked for good. Only the failing store\'s own state counts now'],
  [50000652, 'power was lost while a node added by a scale-out wrote its identity: the torn identity made it refuse to start for good, and the scale-out never finished. A damaged identity with nothing beside it is now the torn first write, and the node starts as new'],
  [60002644, 'harness: the drive-failure plan killed a drive while a partition and a pause had kept the controller from committing the primaries\' in-sync drops; the stale state said every copy was in sync. Calm now counts from the end of the last fault\'s effect, with the network whole'],
  [60008547, 'harness: same as seed 60002644 (node-1 cut off when the drive died)'],
  [70005128, 'a put stuck behind a cut link rotted on its primary, the only copy holding it; the repair went back to the older image, but the retry found the surviving dedup record and was answered "ok". A dedup hit whose object is older than the version it records now answers a loud "lost"; the swarm rots only records the other copy holds byte for byte'],
  [8531436, 'harness: a power loss during a scale-out made the new node fail to start, the orchestration rolled the scale-out back, and convergence still waited for the node that never joined'],
  [20008484, 'bootstrap committed, but the fail-stopped first leader still claimed to lead, so the harness waited on its frozen state'],
  [90000419, 'a primary crashed with its in-sync add of a rebuilt secondary in flight; restarted at the same epoch it began the rebuild again and the secondary wiped its copy, then the old add committed and a failover promoted the empty copy. The primary now records the add\'s epoch durably first and, restarted at that epoch, fences it (an unchanged slice entry) before serving or wiping'],
];


test('cluster swarm: the same seed gives the same history hash', () => {
  const a = runClusterSwarm(424242);
  const b = runClusterSwarm(424242);
  assert.equal(a.historyHash, b.historyHash);
  assert.equal(a.ops, b.ops);
  assert.notEqual(runClusterSwarm(424243).historyHash, a.historyHash);
});

for (const name of Object.keys(NO_CANARIES) as Array<keyof DataPlaneCanaries>) {
  // Caught means a safety violation (a non-linearizable history or a lost key), the kind of harm
  // every canary plants; a run that merely failed to converge does not count. The same seed
  // without the canary must then be clean, so the violation is the canary's and not the seed's.
  test(`cluster swarm canary: ${name} is caught as a safety violation within ${CANARY_SEED_LIMIT} seeds, and that seed is clean without it`, () => {
    for (let seed = 1; seed <= CANARY_SEED_LIMIT; seed++) {
      const planted = runClusterSwarm(seed, { canaries: { ...NO_CANARIES, [name]: true } });
      if (planted.safetyProblem === null) continue;
      const control = runClusterSwarm(seed);
      assert.equal(control.problem, null, `${name} caught at seed ${seed}, but the seed fails without it too:\n${describe(seed, control.problem)}`);
      return;
    }
    assert.fail(`${name} survived ${CANARY_SEED_LIMIT} seeds with no safety violation`);
  });
}

test('cluster swarm: regression seeds', () => {
  for (const [seed, bug] of REGRESSION_SEEDS) {
    const result = runClusterSwarm(seed);
    assert.equal(result.problem, null, `${describe(seed, result.problem)}\n(once found: ${bug})`);
  }
});
