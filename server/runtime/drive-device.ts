// One NVMe drive of a node as the engine sees it: a DurableStore on lmdb, plus what a real
// device adds: wear counters that survive restarts (bytes written since the drive was
// installed), media errors, and the injected faults of drills (fail, slow, error-prone). A
// replacement swaps in a new, empty drive under the same object, so the node keeps its handle.
//
//   <drive dir>/data.mdb     the lmdb environment
//   <drive dir>/wear.json    { installedAtMs, bytesWritten } (rewritten every WEAR_SAVE_MS)

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DriveFault } from '../../engine/drives/drive-model';
import type { CommitResult, DurableStore, StoreWrite } from '../../engine/runtime/runtime';
import { makeDirs } from '../cluster/data-dir';
import { LmdbStore } from './lmdb-store';

/** Wear counters are saved this often (and on close): a crash loses at most this much wear. */
export const WEAR_SAVE_MS = 10_000;
const WEAR_FILE = 'wear.json';

interface WearRecord {
  readonly installedAtMs: number;
  readonly bytesWritten: number;
}

export class DriveDevice implements DurableStore {
  private store: LmdbStore;
  private fault: DriveFault | null = null;
  private wear: WearRecord;
  private savedAtMs = 0;
  /** Reads that came back damaged (injected errors) since the drive was installed. */
  mediaErrors = 0;

  constructor(readonly dir: string, private readonly random: () => number = Math.random) {
    makeDirs(dir);
    this.store = new LmdbStore(dir);
    this.wear = this.loadWear();
  }

  get(key: string): Uint8Array | undefined {
    const value = this.store.get(key);
    if (value === undefined || this.fault?.mode !== 'errors' || this.random() >= this.fault.errorProbability) return value;
    // An error-prone drive returns a damaged copy now and then; the record checksum catches it
    // and the data plane repairs the record from the other copy.
    this.mediaErrors++;
    const damaged = value.slice();
    const at = Math.floor(this.random() * damaged.length);
    damaged[at] = (damaged[at] ?? 0) ^ 0x10;
    return damaged;
  }

  scan(range: { readonly startKey: string; readonly endKey: string; readonly limit: number }): Array<readonly [string, Uint8Array]> {
    return this.store.scan(range);
  }

  commit(writes: readonly StoreWrite[], onDurable: (result: CommitResult) => void): void {
    // A dead device loses every write and never answers.
    if (this.fault?.mode === 'failed') return;
    const store = this.store;
    const slowMs = this.fault?.mode === 'slow' ? this.fault.extraLatencyMs : 0;
    store.commit(writes, (result) => {
      if (store !== this.store) return;
      if (slowMs > 0) setTimeout(() => onDurable(result), slowMs);
      else onDurable(result);
    });
    this.maybeSaveWear();
  }

  /** Bytes written since the drive was installed (persisted across restarts). */
  bytesWritten(): number {
    return this.wear.bytesWritten + this.store.bytesWritten();
  }

  installedAtMs(): number {
    return this.wear.installedAtMs;
  }

  failed(): boolean {
    return this.fault?.mode === 'failed';
  }

  currentFault(): DriveFault | null {
    return this.fault;
  }

  /** Injects a fault (null clears it). A failed drive stays failed until replaced. */
  setFault(fault: DriveFault | null): void {
    if (this.fault?.mode === 'failed' && fault?.mode !== 'failed') return;
    this.fault = fault;
  }

  /** The operator swaps the drive: the old contents are gone, wear starts from zero. */
  async replace(): Promise<void> {
    const old = this.store;
    await old.close();
    for (const name of ['data.mdb', 'lock.mdb', WEAR_FILE]) rmSync(join(this.dir, name), { force: true });
    this.store = new LmdbStore(this.dir);
    this.fault = null;
    this.mediaErrors = 0;
    this.wear = { installedAtMs: Date.now(), bytesWritten: 0 };
    this.saveWear();
  }

  async close(): Promise<void> {
    this.saveWear();
    await this.store.close();
  }

  private loadWear(): WearRecord {
    const path = join(this.dir, WEAR_FILE);
    if (existsSync(path)) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<WearRecord>;
        if (typeof parsed.installedAtMs === 'number' && typeof parsed.bytesWritten === 'number') return { installedAtMs: parsed.installedAtMs, bytesWritten: parsed.bytesWritten };
      } catch {
        // A torn wear file only loses wear history; start counting again from here.
      }
    }
    const fresh = { installedAtMs: Date.now(), bytesWritten: 0 };
    this.writeWear(fresh);
    return fresh;
  }

  private maybeSaveWear(): void {
    const nowMs = Date.now();
    if (nowMs - this.savedAtMs >= WEAR_SAVE_MS) this.saveWear();
  }

  private saveWear(): void {
    this.savedAtMs = Date.now();
    this.writeWear({ installedAtMs: this.wear.installedAtMs, bytesWritten: this.bytesWritten() });
  }

  private writeWear(record: WearRecord): void {
    const path = join(this.dir, WEAR_FILE);
    try {
      writeFileSync(`${path}.tmp`, JSON.stringify(record));
      renameSync(`${path}.tmp`, path);
    } catch {
      // Wear counters are advisory: a full disk must not stop the data path.
    }
  }
}
