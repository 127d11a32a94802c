// The server's own client of the data plane: a TesseraClient on an endpoint of the in-process
// hub, with real timers, wrapped in Promises for the HTTP API and the console.

import { randomBytes } from 'node:crypto';
import { TesseraClient, type ClientResult } from '../../engine/client/tessera-client';
import type { ListedKey, WriteCondition } from '../../engine/dataplane/messages';
import { SeededRandom } from '../../engine/sim/prng';
import type { Timers } from '../../engine/runtime/runtime';
import type { InProcessHub } from '../runtime/in-process-transport';

export class DataClient {
  readonly clientId = `server-${randomBytes(6).toString('hex')}`;
  private readonly client: TesseraClient;
  private readonly handles = new Map<number, NodeJS.Timeout>();
  private nextTimer = 1;

  constructor(hub: InProcessHub, nodeIds: () => readonly string[]) {
    const timers: Timers = {
      schedule: (delayMs, callback) => {
        const id = this.nextTimer++;
        this.handles.set(id, setTimeout(() => { this.handles.delete(id); callback(); }, delayMs));
        return id;
      },
      cancel: (id) => {
        clearTimeout(this.handles.get(id));
        this.handles.delete(id);
      },
    };
    this.client = new TesseraClient({
      clientId: this.clientId, clock: { nowMs: () => performance.now() }, timers,
      random: new SeededRandom(randomBytes(4).readInt32LE(0)), transport: hub.endpoint(this.clientId), nodes: nodeIds,
    });
  }

  put(container: string, key: string, value: Uint8Array, condition: WriteCondition): Promise<ClientResult<{ version: number }>> {
    // The hub hands messages over by reference: the value is copied once here, so a caller that
    // reuses its buffer after the call cannot change what the primary stores.
    const owned = value.slice();
    return new Promise((resolve) => this.client.put(container, key, owned, condition, resolve));
  }

  get(container: string, key: string): Promise<ClientResult<{ version: number; value: Uint8Array }>> {
    return new Promise((resolve) => this.client.get(container, key, resolve));
  }

  delete(container: string, key: string, condition: WriteCondition): Promise<ClientResult<{ version: number }>> {
    return new Promise((resolve) => this.client.delete(container, key, condition, resolve));
  }

  list(container: string, query: { prefix: string; cursor: string; limit: number }): Promise<ClientResult<{ keys: readonly ListedKey[]; nextCursor: string | null }>> {
    return new Promise((resolve) => this.client.list(container, query, resolve));
  }

  invalidate(container: string): void {
    this.client.invalidate(container);
  }

  close(): void {
    for (const handle of this.handles.values()) clearTimeout(handle);
    this.handles.clear();
  }
}
