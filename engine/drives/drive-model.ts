// The NVMe drive model (docs/DESIGN.md §7): rated endurance and reliability, health derived from
// counters (wear, write rate, predicted remaining life, state), and fault modes for failure
// injection. Pure functions over plain data: the node feeds counters in, the console and the
// controller read the results.

export const MS_PER_DAY = 86_400_000;
/** The warranty period the endurance rating is defined over: 5 years including one leap day. */
export const WARRANTY_DAYS = 1826;
/** percentageUsed at or above this puts the drive in warning (the NVMe SMART convention is 100 = rated life used). */
export const WEAR_WARNING_PERCENT = 90;
/** Composite temperature at or above this puts the drive in warning (typical NVMe warning threshold). */
export const TEMPERATURE_WARNING_C = 70;

export interface DriveSpec {
  readonly capacityBytes: number;
  /** Drive writes per day: the rated endurance is capacity × dwpd per day over the warranty. */
  readonly dwpd: number;
  readonly warrantyYears: number;
  readonly mtbfHours: number;
}

export const DEFAULT_DWPD = 5;
export const DEFAULT_WARRANTY_YEARS = 5;
export const DEFAULT_MTBF_HOURS = 2_000_000;

export type DriveState = 'ok' | 'warning' | 'failed' | 'removed';

export interface DriveCounters {
  readonly bytesWritten: number;
  /** Monotonic ms the drive has been in service. */
  readonly ageMs: number;
  readonly temperatureC: number;
  readonly mediaErrors: number;
  readonly state: DriveState;
}

/** A cumulative bytes-written reading at a monotonic time, for write rates. */
export interface WriteSample {
  readonly atMs: number;
  readonly bytesWritten: number;
}

/** Fault injection (console and drills), as plain data the drive I/O path interprets. */
export type DriveFault =
  | { readonly mode: 'failed' }
  | { readonly mode: 'slow'; readonly extraLatencyMs: number }
  | { readonly mode: 'errors'; readonly errorProbability: number };

function requireNumber(field: string, value: number, min: number, max = Number.POSITIVE_INFINITY, integer = false): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `${min}..${max}`;
    throw new Error(`${field}: must be a finite ${integer ? 'integer' : 'number'} ${range} (found ${String(value)})`);
  }
}

function requirePositive(field: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new Error(`${field}: must be a finite number > 0 (found ${String(value)})`);
}

export function validateDriveSpec(spec: DriveSpec): void {
  requirePositive('capacityBytes', spec.capacityBytes);
  requirePositive('dwpd', spec.dwpd);
  requirePositive('warrantyYears', spec.warrantyYears);
  requirePositive('mtbfHours', spec.mtbfHours);
}

/** A spec with Tessera's rated defaults (DWPD 5, 5-year warranty, MTBF 2,000,000 h). */
export function driveSpec(capacityBytes: number, overrides: Partial<Omit<DriveSpec, 'capacityBytes'>> = {}): DriveSpec {
  const spec: DriveSpec = {
    capacityBytes,
    dwpd: overrides.dwpd ?? DEFAULT_DWPD,
    warrantyYears: overrides.warrantyYears ?? DEFAULT_WARRANTY_YEARS,
    mtbfHours: overrides.mtbfHours ?? DEFAULT_MTBF_HOURS,
  };
  validateDriveSpec(spec);
  return spec;
}

export function validateDriveCounters(counters: DriveCounters): void {
  requireNumber('bytesWritten', counters.bytesWritten, 0);
  requireNumber('ageMs', counters.ageMs, 0);
  // Below absolute zero or above any NVMe's shutdown point is a broken sensor reading.
  requireNumber('temperatureC', counters.temperatureC, -273, 200);
  requireNumber('mediaErrors', counters.mediaErrors, 0, Number.POSITIVE_INFINITY, true);
  if (!['ok', 'warning', 'failed', 'removed'].includes(counters.state)) throw new Error(`state: must be ok, warning, failed or removed (found ${counters.state})`);
}

/**
 * Rated endurance in bytes: capacity × DWPD × 1826 days, as docs/DESIGN.md §7 defines it (the spec's
 * warrantyYears is informational; the day count is the fixed 5-year figure).
 */
export function ratedEnduranceBytes(spec: DriveSpec): number {
  validateDriveSpec(spec);
  return spec.capacityBytes * spec.dwpd * WARRANTY_DAYS;
}

/** bytesWritten / rated endurance × 100; exceeds 100 once the drive outlives its rating. */
export function percentageUsed(spec: DriveSpec, bytesWritten: number): number {
  requireNumber('bytesWritten', bytesWritten, 0);
  return (bytesWritten / ratedEnduranceBytes(spec)) * 100;
}

/** Bytes the rating allows per day: capacity × DWPD. */
export function dailyWriteBudgetBytes(spec: DriveSpec): number {
  validateDriveSpec(spec);
  return spec.capacityBytes * spec.dwpd;
}

/** Average bytes/day between two samples of the cumulative counter (a window). */
export function writeRateBytesPerDay(from: WriteSample, to: WriteSample): number {
  requireNumber('from.atMs', from.atMs, 0);
  requireNumber('from.bytesWritten', from.bytesWritten, 0);
  requireNumber('to.atMs', to.atMs, from.atMs);
  // The counter only grows; a drop means a replaced drive or a bad reading, not negative writes.
  requireNumber('to.bytesWritten', to.bytesWritten, from.bytesWritten);
  if (to.atMs === from.atMs) throw new Error(`to.atMs: must be later than from.atMs ${from.atMs} (found ${to.atMs})`);
  return ((to.bytesWritten - from.bytesWritten) * MS_PER_DAY) / (to.atMs - from.atMs);
}

/**
 * Days until the rated endurance is used up at `rateBytesPerDay`; 0 when already used up;
 * null when nothing is being written (no prediction: the drive does not wear).
 */
export function predictedRemainingLifeDays(spec: DriveSpec, bytesWritten: number, rateBytesPerDay: number): number | null {
  requireNumber('bytesWritten', bytesWritten, 0);
  requireNumber('rateBytesPerDay', rateBytesPerDay, 0);
  const remainingBytes = Math.max(0, ratedEnduranceBytes(spec) - bytesWritten);
  if (remainingBytes === 0) return 0;
  return rateBytesPerDay === 0 ? null : remainingBytes / rateBytesPerDay;
}

/** Why a working drive is in warning; empty when it is ok. */
export function warningReasons(spec: DriveSpec, counters: DriveCounters): string[] {
  const reasons: string[] = [];
  const used = percentageUsed(spec, counters.bytesWritten);
  if (used >= WEAR_WARNING_PERCENT) reasons.push(`percentage used ${used.toFixed(1)}% ≥ ${WEAR_WARNING_PERCENT}%`);
  if (counters.temperatureC >= TEMPERATURE_WARNING_C) reasons.push(`temperature ${counters.temperatureC} °C ≥ ${TEMPERATURE_WARNING_C} °C`);
  if (counters.mediaErrors > 0) reasons.push(`${counters.mediaErrors} media error(s)`);
  return reasons;
}

/**
 * The state the counters imply. failed and removed are only ever entered explicitly
 * (failDrive, removeDrive) and are kept: a failed drive is not healed by cooler readings.
 * ok and warning follow the readings both ways: wear and media errors only grow, but a hot
 * drive that cools down returns to ok.
 */
export function derivedDriveState(spec: DriveSpec, counters: DriveCounters): DriveState {
  validateDriveCounters(counters);
  if (counters.state === 'failed' || counters.state === 'removed') return counters.state;
  return warningReasons(spec, counters).length > 0 ? 'warning' : 'ok';
}

/** Explicit failure (detected or injected). A removed drive stays removed. */
export function failDrive(state: DriveState): DriveState {
  return state === 'removed' ? 'removed' : 'failed';
}

/** Explicit removal by the operator, from any state. Final: a replacement is a new drive. */
export function removeDrive(_state: DriveState): DriveState {
  return 'removed';
}

export interface DriveHealth {
  readonly state: DriveState;
  readonly warnings: readonly string[];
  readonly percentageUsed: number;
  readonly dailyWriteBudgetBytes: number;
  readonly writeRateBytesPerDay: number;
  /** null when the write rate is 0. */
  readonly predictedRemainingLifeDays: number | null;
  readonly ageDays: number;
}

/** Everything the console shows for one drive, from its counters and its current write rate. */
export function driveHealth(spec: DriveSpec, counters: DriveCounters, rateBytesPerDay: number): DriveHealth {
  const state = derivedDriveState(spec, counters);
  return {
    state,
    warnings: state === 'ok' || state === 'warning' ? warningReasons(spec, counters) : [],
    percentageUsed: percentageUsed(spec, counters.bytesWritten),
    dailyWriteBudgetBytes: dailyWriteBudgetBytes(spec),
    writeRateBytesPerDay: rateBytesPerDay,
    predictedRemainingLifeDays: predictedRemainingLifeDays(spec, counters.bytesWritten, rateBytesPerDay),
    ageDays: counters.ageMs / MS_PER_DAY,
  };
}

/** Longest injected extra latency: a drill that wants longer wants 'failed'. */
export const MAX_INJECTED_LATENCY_MS = 60_000;

export function validateDriveFault(fault: DriveFault): void {
  switch (fault.mode) {
    case 'failed': return;
    case 'slow': requireNumber('extraLatencyMs', fault.extraLatencyMs, 0, MAX_INJECTED_LATENCY_MS); return;
    case 'errors': requireNumber('errorProbability', fault.errorProbability, 0, 1); return;
  }
}
