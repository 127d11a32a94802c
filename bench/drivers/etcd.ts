// etcd v3 over gRPC with the `etcd3` client (one channel per member, HTTP/2 multiplexed). Gets
// are linearizable (etcd's default), like Tessera's.

import { Etcd3 } from 'etcd3';
import type { Driver } from './driver';

export class EtcdDriver implements Driver {
  private readonly client: Etcd3;

  constructor(endpoints: readonly string[]) {
    this.client = new Etcd3({ hosts: [...endpoints] });
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.client.put(key).value(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }

  async get(key: string): Promise<number> {
    const value = await this.client.get(key).buffer();
    if (value === null) throw new Error(`GET ${key}: not found`);
    return value.byteLength;
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }
}
