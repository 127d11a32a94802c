// lmdb in the load generator's own process: one durable copy. `await db.put` resolves once its
// transaction is committed and flushed (lmdb batches concurrent puts into one commit); gets are
// `getBinaryFast`, synchronous on this one thread.

import { open, type Database } from 'lmdb';
import type { Driver } from './driver';

export class LmdbDriver implements Driver {
  private readonly db: Database<Buffer, string>;

  constructor(dir: string) {
    this.db = open<Buffer, string>({ path: dir, encoding: 'binary', compression: false });
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const ok = await this.db.put(key, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    if (!ok) throw new Error(`put ${key}: not written`);
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
