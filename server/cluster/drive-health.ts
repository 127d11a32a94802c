// Drive health for operators (docs/DESIGN.md §7, docs/CONSOLE.md "Drives"): the NVMe model applied to
// the real drives of the running cluster. Bytes written come from the data path (persisted
// across restarts), the write rate from samples taken here, media errors from damaged reads;
// temperature is modelled from the write load (no sensor behind an lmdb file). Also the
// cluster's mean time to data loss from the drive count, MTBF and the measured rebuild time.

import { driveHealth, driveSpec, type DriveFault, type DriveState, type WriteSample } from '../../engine/drives/drive-model';
import { estimateMttdl, type MttdlEstimate } from '../../engine/drives/mttdl';
import type { ControllerState } from '../../engine/controller/state';
import type { DriveDevice } from '../runtime/drive-device';

/** Write-rate window: samples older than this are dropped. */
export const WRITE_RATE_WINDOW_MS = 60_000;
/** Take a bytes-written sample at most this often. */
export const WRITE_SAMPLE_EVERY_MS = 2_000;
/** The rebuild time MTTDL assumes until one has been measured on this cluster. */
export const ASSUMED_REBUILD_MS = 60_000;
const IDLE_TEMPERATURE_C = 35;
/** Degrees added at a write rate equal to the full 5 DWPD budget. */
const LOAD_TEMPERATURE_C = 30;

export interface DriveView {
  readonly id: string;
  readonly nodeId: string;
  readonly vnIds: readonly string[];
  readonly capacityBytes: number;
  readonly bytesWritten: number;
  readonly percentageUsed: number;
  readonly dailyWriteBudgetBytes: number;
  readonly writeRateBytesPerDay: number;
  readonly predictedRemainingLifeDays: number | null;
  readonly temperatureC: number;
  readonly mediaErrors: number;
  readonly ageDays: number;
  readonly state: DriveState;
  readonly warnings: readonly string[];
  readonly fault: DriveFault | null;
  readonly generation: number;
  /** The node runs (false: numbers are the last known, or zero). */
  readonly reachable: boolean;
}

export interface MttdlView extends MttdlEstimate {
  readonly rebuildSource: 'measured' | 'assumed';
  readonly rebuildCause: string | null;
  readonly caveat: string;
}

export class DriveMonitor {
  private readonly samples = new Map<string, WriteSample[]>();
  private sampledAtMs = Number.NEGATIVE_INFINITY;

  sample(devices: ReadonlyMap<string, DriveDevice>): void {
    const nowMs = performance.now();
    if (nowMs - this.sampledAtMs < WRITE_SAMPLE_EVERY_MS) return;
    this.sampledAtMs = nowMs;
    for (const [id, device] of devices) {
      const list = this.samples.get(id) ?? [];
      const bytesWritten = device.bytesWritten();
      // A replaced drive starts from zero: its old samples no longer apply.
      if ((list[list.length - 1]?.bytesWritten ?? 0) > bytesWritten) list.length = 0;
      list.push({ atMs: nowMs, bytesWritten });
      while (list.length > 2 && nowMs - (list[0]?.atMs ?? nowMs) > WRITE_RATE_WINDOW_MS) list.shift();
      this.samples.set(id, list);
    }
  }

  private rateBytesPerDay(id: string): number {
    const list = this.samples.get(id) ?? [];
    const first = list[0];
    const last = list[list.length - 1];
    if (first === undefined || last === undefined || last.atMs <= first.atMs) return 0;
    return ((last.bytesWritten - first.bytesWritten) * 86_400_000) / (last.atMs - first.atMs);
  }

  views(state: ControllerState, devices: ReadonlyMap<string, DriveDevice>): DriveView[] {
    const out: DriveView[] = [];
    for (const node of state.topology.nodes) {
      for (const drive of node.drives) {
        const device = devices.get(drive.id);
        const spec = driveSpec(drive.capacityBytes);
        const record = state.drives[drive.id];
        const rate = this.rateBytesPerDay(drive.id);
        const budget = spec.capacityBytes * spec.dwpd;
        const fault = device?.currentFault() ?? null;
        const temperatureC = Math.round((IDLE_TEMPERATURE_C + LOAD_TEMPERATURE_C * Math.min(1, rate / budget) + (fault?.mode === 'slow' ? 10 : 0)) * 10) / 10;
        const failed = record?.state === 'failed' || device?.failed() === true;
        const health = driveHealth(spec, {
          bytesWritten: device?.bytesWritten() ?? 0,
          ageMs: device === undefined ? 0 : Math.max(0, Date.now() - device.installedAtMs()),
          temperatureC,
          mediaErrors: device?.mediaErrors ?? 0,
          state: failed ? 'failed' : 'ok',
        }, rate);
        out.push({
          id: drive.id, nodeId: node.id, vnIds: node.vns.filter((v) => v.driveId === drive.id).map((v) => v.id),
          capacityBytes: drive.capacityBytes, bytesWritten: device?.bytesWritten() ?? 0,
          percentageUsed: health.percentageUsed, dailyWriteBudgetBytes: health.dailyWriteBudgetBytes,
          writeRateBytesPerDay: rate, predictedRemainingLifeDays: health.predictedRemainingLifeDays,
          temperatureC, mediaErrors: device?.mediaErrors ?? 0, ageDays: health.ageDays,
          state: health.state, warnings: health.warnings, fault, generation: record?.generation ?? 0, reachable: device !== undefined,
        });
      }
    }
    return out;
  }
}

/**
 * MTTDL of the cluster: every drive in service, MTBF 2,000,000 h, the measured rebuild window
 * (or an assumed one until a failure has been measured), and as peers the drives on other
 * nodes (balanced pairing spreads a drive's slices over them).
 */
export function clusterMttdl(state: ControllerState, measured: { readonly durationMs: number; readonly cause: string } | null, mtbfHours = driveSpec(1).mtbfHours): MttdlView | null {
  const inService = state.topology.nodes.map((n) => ({ node: n.id, drives: n.drives.filter((d) => state.drives[d.id]?.state !== 'failed').length }));
  const driveCount = inService.reduce((sum, n) => sum + n.drives, 0);
  const largestNode = Math.max(0, ...inService.map((n) => n.drives));
  const peersPerDrive = Math.max(1, Math.min(driveCount - 1, driveCount - largestNode));
  if (driveCount < 2) return null;
  const rebuildMs = Math.max(1, measured?.durationMs ?? ASSUMED_REBUILD_MS);
  return {
    ...estimateMttdl({ driveCount, mtbfHours, rebuildHours: rebuildMs / 3_600_000, peersPerDrive }),
    rebuildSource: measured === null ? 'assumed' : 'measured',
    rebuildCause: measured?.cause ?? null,
    caveat: 'independent failures only: correlated failures (a whole node, a batch of drives) and errors found during a rebuild make the real figure lower',
  };
}
