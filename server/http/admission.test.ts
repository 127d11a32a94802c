// The in-flight bounds: per remote address (429) and for the whole server (503), released when
// the response closes.

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { Admission } from './admission';

function request(address: string): { req: IncomingMessage; res: ServerResponse & EventEmitter } {
  return { req: { socket: { remoteAddress: address } } as unknown as IncomingMessage, res: new EventEmitter() as unknown as ServerResponse & EventEmitter };
}

test('a client over its bound gets 429, the server over its bound 503; closing a response frees its slot', () => {
  const admission = new Admission(2, 3);
  const a1 = request('10.0.0.1');
  const a2 = request('10.0.0.1');
  assert.equal(admission.admit(a1.req, a1.res), null);
  assert.equal(admission.admit(a2.req, a2.res), null);
  const a3 = request('10.0.0.1');
  const refused = admission.admit(a3.req, a3.res);
  assert.ok(refused !== null);
  assert.equal(refused.status, 429);
  assert.match(refused.message, /limit per client is 2/);
  const b1 = request('10.0.0.2');
  assert.equal(admission.admit(b1.req, b1.res), null);
  const c1 = request('10.0.0.3');
  const busy = admission.admit(c1.req, c1.res);
  assert.ok(busy !== null);
  assert.equal(busy.status, 503);
  assert.match(busy.message, /limit of 3/);
  a1.res.emit('close');
  assert.equal(admission.inFlight(), 2);
  assert.equal(admission.admit(c1.req, c1.res), null);
  const a4 = request('10.0.0.1');
  assert.equal(admission.admit(a4.req, a4.res)?.status, 503, 'the server bound holds for every client');
});
