// lmdb in the load generator's own process: one durable copy, opened as Tessera's LmdbStore
// opens its drives (overlappingSync). With overlappingSync `db.put` resolves once its batch is
// committed, before the fsync: each put then awaits `db.flushed`, as LmdbStore does, so it is
// answered only once durable (concurrent puts share a commit and its fsync). Gets are
// `getBinaryFast`, synchronous on this one thread.

import { open, type Database } from 'lmdb';
import type { Driver } from './driver';

export class LmdbDriver implements Driver {
  private readonly db: Database<Buffer, string>;

  constructor(dir: string) {
    this.db = open<Buffer, string>({ path: dir, encoding: 'binary', compression: false, overlappingSync: true });
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const ok = await this.db.put(key, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    if (!ok) throw new Error(`put ${key}: not written`);
    await this.db.flushed;
  }

  get(key: string): Promise<number> {
    const value = this.db.getBinaryFast(key);
    if (value === undefined) return Promise.reject(new Error(`get ${key}: not found`));
    // `.length`: the buffer getBinaryFast returns is a view on a shared, larger one.
    return Promise.resolve(value.length);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
