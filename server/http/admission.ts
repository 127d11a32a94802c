// Bounds on requests in flight: CLIENT_IN_FLIGHT_MAX per remote address (429 beyond it) and
// SERVER_IN_FLIGHT_MAX in all (503 Busy beyond it), both with Retry-After. A request counts from
// its headers until its response closes (long-lived event streams count for their lifetime).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_IN_FLIGHT_MAX, SERVER_IN_FLIGHT_MAX } from './limits';
import type { HttpProblem } from './problem';

export class Admission {
  private readonly perClient = new Map<string, number>();
  private total = 0;

  constructor(private readonly clientMax = CLIENT_IN_FLIGHT_MAX, private readonly serverMax = SERVER_IN_FLIGHT_MAX) {}

  /** Admits the request (released when its response closes), or says why not. */
  admit(req: IncomingMessage, res: ServerResponse): HttpProblem | null {
    const client = req.socket.remoteAddress ?? 'unknown';
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.clientMax) return { status: 429, code: 'TooManyRequests', field: 'requests in flight', limit: this.clientMax, message: `requests in flight: ${client} already has ${mine}, the limit per client is ${this.clientMax}; retry later` };
    if (this.total >= this.serverMax) return { status: 503, code: 'Busy', field: 'requests in flight', limit: this.serverMax, message: `requests in flight: the server is at its limit of ${this.serverMax}; retry later` };
    this.perClient.set(client, mine + 1);
    this.total++;
    res.once('close', () => {
      this.total--;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left <= 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
    });
    return null;
  }

  inFlight(): number {
    return this.total;
  }
}
