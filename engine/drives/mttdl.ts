// Cluster mean time to data loss (docs/DESIGN.md §7), shown in the console with its inputs.
//
// Model (two copies of every slice, independent exponential drive failures, MTBF M hours):
// - First failures arrive at rate D / M across D drives.
// - Data is lost only if, before the first drive's slices are rebuilt (R hours), a second drive
//   holding a copy of one of those slices fails. With P such peer drives the chance is about
//   P × R / M (valid while R ≪ M / P).
// - Loss rate ≈ (D / M) × (P × R / M), so MTTDL ≈ M² / (D × P × R).
// With P = D − 1 (every other drive shares a slice) this is the textbook M² / (D (D − 1) R).
// Balanced peer pairing spreads a drive's slices over nearly every drive on other nodes, so
// P = drives on other nodes is realistic; P = 1 is the mirrored-pairs case, M² / (D R).
// Ignored: correlated failures (a node or a batch of drives failing together), latent sector
// errors found during rebuild, and failures during a rebuild already under way; the estimate is an
// upper bound in that sense and the console should say so.

export const HOURS_PER_YEAR = 8766; // 365.25 days

export interface MttdlInputs {
  readonly driveCount: number;
  readonly mtbfHours: number;
  /** Measured time to restore two copies of a lost drive's slices. */
  readonly rebuildHours: number;
  /** Drives holding a copy of some slice of a given drive; defaults to driveCount − 1. */
  readonly peersPerDrive: number;
}

export interface MttdlEstimate {
  readonly mttdlHours: number;
  readonly mttdlYears: number;
  readonly inputs: MttdlInputs;
  readonly formula: string;
}

export function estimateMttdl(input: { driveCount: number; mtbfHours: number; rebuildHours: number; peersPerDrive?: number }): MttdlEstimate {
  const { driveCount, mtbfHours, rebuildHours } = input;
  if (!(Number.isInteger(driveCount) && driveCount >= 2)) throw new Error(`driveCount: must be an integer ≥ 2 (two copies need two drives) (found ${driveCount})`);
  if (!(Number.isFinite(mtbfHours) && mtbfHours > 0)) throw new Error(`mtbfHours: must be a finite number > 0 (found ${mtbfHours})`);
  if (!(Number.isFinite(rebuildHours) && rebuildHours > 0)) throw new Error(`rebuildHours: must be a finite number > 0 (found ${rebuildHours})`);
  const peersPerDrive = input.peersPerDrive ?? driveCount - 1;
  if (!(Number.isInteger(peersPerDrive) && peersPerDrive >= 1 && peersPerDrive <= driveCount - 1)) {
    throw new Error(`peersPerDrive: must be an integer 1..${driveCount - 1} (found ${peersPerDrive})`);
  }
  const mttdlHours = (mtbfHours * mtbfHours) / (driveCount * peersPerDrive * rebuildHours);
  return {
    mttdlHours,
    mttdlYears: mttdlHours / HOURS_PER_YEAR,
    inputs: { driveCount, mtbfHours, rebuildHours, peersPerDrive },
    formula: 'MTTDL ≈ MTBF² / (drives × peersPerDrive × rebuildHours)',
  };
}
