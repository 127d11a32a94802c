// The drive-replace check: a drive is swapped for an empty one only once no slice counts on a
// copy on it. Swapping it earlier would hand its node an empty drive under VNs it still serves
// (seed 6457953: a primary read an empty slice before it noticed the death).

import type { CommandResult, ControllerCommand } from '../controller/commands';
import type { ControllerState } from '../controller/state';
import type { WallClock } from '../runtime/runtime';
import type { ClusterTopology } from '../topology/topology';
import type { ProposeRetryOptions } from './propose-with-retry';

/** The VNs placed on the drive in the committed topology. */
export function vnsOnDrive(state: ControllerState, driveId: string): Set<string> {
  return new Set(state.topology.nodes.flatMap((n) => n.vns).filter((v) => v.driveId === driveId).map((v) => v.id));
}

/** Slices whose committed in-sync set still holds a copy on the drive. */
export function slicesCountingOnDrive(state: ControllerState, driveId: string): number {
  const vns = vnsOnDrive(state, driveId);
  let count = 0;
  for (const container of Object.values(state.containers)) {
    for (const slice of container.slices) if (slice.inSync.some((vn) => vns.has(vn))) count++;
  }
  return count;
}

/** What replacing a drive needs from the orchestrator. */
export interface DriveReplaceDeps {
  topology(): ClusterTopology;
  isRunning(nodeId: string): boolean;
  leaderState(): ControllerState | undefined;
  freshestState(): ControllerState | undefined;
  /** The host swaps in the new, empty device. */
  replaceDevice(nodeId: string, driveId: string, replaced: (error: string | null) => void): void;
  proposeWithRetry(command: ControllerCommand, options: ProposeRetryOptions, done: (result: CommandResult) => void): void;
  readonly wallClock: WallClock;
  readonly log: (line: string) => void;
}

/**
 * Swaps a drive for a new, empty one and tells the controller, which then rebalances roles onto
 * its VNs. A working drive is retired first (`drive.fail`: its slices fail over before its data
 * is wiped); refused while any slice still counts on a copy on it.
 */
export function runDriveReplace(deps: DriveReplaceDeps, driveId: string, actor: string, done: (result: CommandResult) => void): void {
  const node = deps.topology().nodes.find((n) => n.drives.some((d) => d.id === driveId));
  if (node === undefined) {
    done({ ok: false, code: 'NotFound', message: `driveId: no drive ${driveId}` });
    return;
  }
  if (!deps.isRunning(node.id)) {
    done({ ok: false, code: 'Conflict', message: `driveId: node ${node.id} of ${driveId} is not running` });
    return;
  }
  const replace = (): void => {
    // Decided on the leader's state: a stale replica could still miss a slice counting on the drive.
    const state = deps.leaderState();
    if (state === undefined) {
      done({ ok: false, code: 'NoLeader', message: 'the controller has no leader (quorum lost?)' });
      return;
    }
    const blocking = slicesCountingOnDrive(state, driveId);
    if (blocking > 0) {
      done({ ok: false, code: 'Conflict', message: `driveId: ${blocking} slices still count on their copy on ${driveId}; bring their other copy's node back first` });
      return;
    }
    const generation = state.drives[driveId]?.generation ?? 0;
    deps.replaceDevice(node.id, driveId, (error) => {
      if (error !== null) {
        done({ ok: false, code: 'Internal', message: `driveId: ${driveId} could not be replaced: ${error}` });
        return;
      }
      const command: ControllerCommand = { type: 'drive.replace', actor, timeMs: deps.wallClock.epochMs(), driveId, reason: `replaced by ${actor}` };
      deps.proposeWithRetry(command, { applied: (s) => (s.drives[driveId]?.generation ?? 0) > generation }, (result) => {
        if (result.ok) deps.log(`drive ${driveId} replaced`);
        done(result);
      });
    });
  };
  const state = deps.freshestState();
  if (state !== undefined && state.drives[driveId]?.state !== 'failed' && slicesCountingOnDrive(state, driveId) > 0) {
    const command: ControllerCommand = { type: 'drive.fail', actor, timeMs: deps.wallClock.epochMs(), driveId, reason: 'taken out for replacement' };
    deps.proposeWithRetry(command, { applied: (s) => s.drives[driveId]?.state === 'failed' }, (result) => {
      if (result.ok) replace();
      else done(result);
    });
    return;
  }
  replace();
}
