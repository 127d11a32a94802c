// HTTP/1.1 keep-alive driver for Tessera's data API and for the raw Node server. Workers are
// spread over several loopback source addresses (127.0.0.1..4) because Tessera admits at most
// CLIENT_IN_FLIGHT_MAX requests in flight per remote address, and concurrency 128 is over it.

import { Agent, request } from 'node:http';
import { CLIENT_IN_FLIGHT_MAX } from '../../server/http/limits';
import type { Driver } from './driver';

/** Loopback source addresses the workers are spread over (Linux answers on all of 127/8). */
export const SOURCE_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'] as const;
/** The highest concurrency the spread admits without 429s. */
export const HTTP_CONCURRENCY_MAX = SOURCE_ADDRESSES.length * CLIENT_IN_FLIGHT_MAX;

interface Answer { readonly status: number; readonly bytes: number; readonly text: string }

export class HttpDriver implements Driver {
  private readonly agents = SOURCE_ADDRESSES.map((localAddress) => new Agent({ keepAlive: true, maxSockets: Infinity, localAddress }));
  private readonly url: URL;
  private nextAgent = 0;

  /** `objectPath(key)` is the request path of a key; `headers` go on every request. */
  constructor(baseUrl: string, private readonly objectPath: (key: string) => string, private readonly headers: Readonly<Record<string, string>>) {
    this.url = new URL(baseUrl);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const answer = await this.send('PUT', key, value);
    if (answer.status !== 200) throw new Error(`PUT ${key}: ${answer.status} ${answer.text.slice(0, 200)}`);
  }

  async get(key: string): Promise<number> {
    const answer = await this.send('GET', key, undefined);
    if (answer.status !== 200) throw new Error(`GET ${key}: ${answer.status} ${answer.text.slice(0, 200)}`);
    return answer.bytes;
  }

  close(): Promise<void> {
    for (const agent of this.agents) agent.destroy();
    return Promise.resolve();
  }

  private send(method: 'PUT' | 'GET', key: string, body: Uint8Array | undefined): Promise<Answer> {
    // Round robin: with N closed-loop workers each address carries N/4 requests at most.
    const agent = this.agents[this.nextAgent++ % this.agents.length]!;
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.url.hostname, port: this.url.port, method, path: this.objectPath(key), agent,
        headers: { ...this.headers, ...(body === undefined ? {} : { 'content-length': String(body.byteLength), 'content-type': 'application/octet-stream' }) },
      }, (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => { bytes += chunk.byteLength; if (res.statusCode !== 200) chunks.push(chunk); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

export function tesseraHttpDriver(url: string, token: string): HttpDriver {
  return new HttpDriver(url, (key) => `/api/v1/containers/default/objects/${encodeURIComponent(key)}`, { authorization: `Bearer ${token}` });
}

export function rawHttpDriver(url: string): HttpDriver {
  return new HttpDriver(url, (key) => `/${encodeURIComponent(key)}`, {});
}
