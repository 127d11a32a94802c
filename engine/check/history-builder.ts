// Terse constructors for key-value histories, for tests and hand-written conformance cases:
// `put('a', '1', 0, 10, 'x', 1)` is client 'x' putting "1" on key a from 0 to 10 ms, answered
// version 1. A `returnMs` of null means no answer (the output arguments are then ignored).

import type { KvOperation } from './linearizability';

type ClientId = string | number;

function answered(returnMs: number | null): returnMs is number {
  return returnMs !== null;
}

export function put(key: string, value: string, callMs: number, returnMs: number | null, clientId: ClientId = 0, version?: number): KvOperation {
  const input = { kind: 'put', key, value } as const;
  if (!answered(returnMs)) return { clientId, callMs, input };
  return { clientId, callMs, returnMs, input, output: version === undefined ? { kind: 'put' } : { kind: 'put', version } };
}

export function get(key: string, value: string | null, callMs: number, returnMs: number | null, clientId: ClientId = 0, version?: number): KvOperation {
  const input = { kind: 'get', key } as const;
  if (!answered(returnMs)) return { clientId, callMs, input };
  return { clientId, callMs, returnMs, input, output: version === undefined ? { kind: 'get', value } : { kind: 'get', value, version } };
}

export function cas(key: string, expectedVersion: number | 'absent', value: string, ok: boolean, callMs: number, returnMs: number | null, clientId: ClientId = 0, version?: number): KvOperation {
  const input = { kind: 'cas', key, expectedVersion, value } as const;
  if (!answered(returnMs)) return { clientId, callMs, input };
  const output = !ok ? { kind: 'cas', ok: false } as const
    : version === undefined ? { kind: 'cas', ok: true } as const : { kind: 'cas', ok: true, version } as const;
  return { clientId, callMs, returnMs, input, output };
}

export function del(key: string, callMs: number, returnMs: number | null, clientId: ClientId = 0, version?: number): KvOperation {
  const input = { kind: 'delete', key } as const;
  if (!answered(returnMs)) return { clientId, callMs, input };
  return { clientId, callMs, returnMs, input, output: version === undefined ? { kind: 'delete' } : { kind: 'delete', version } };
}
