// Where a replica keeps things on its drive. A container's records live under its hash seed (a
// random 64-bit value per container), so a deleted and re-created container never sees the old
// one's objects; its leftovers are garbage for a later sweep.
//
//   o/<seedHex>/<slice, 4 hex>/<key>   object records (object-record.ts)
//   m/<seedHex>/<slice, 4 hex>         slice meta of a primary (counter reservation, sync mark)

function sliceHex(slice: number): string {
  return slice.toString(16).padStart(4, '0');
}

export function objectKey(seedHex: string, slice: number, key: string): string {
  return `o/${seedHex}/${sliceHex(slice)}/${key}`;
}

/** The prefix of every object key of one slice; keys of the slice are [prefix, prefix + '\uffff'). */
export function slicePrefix(seedHex: string, slice: number): string {
  return `o/${seedHex}/${sliceHex(slice)}/`;
}

/** One past every key starting with `prefix` in UTF-16 order. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`;
}

export function sliceMetaKey(seedHex: string, slice: number): string {
  return `m/${seedHex}/${sliceHex(slice)}`;
}

/**
 * Dedup records live inside the slice's key range (so rebuilds and reconciliation copy them
 * with the objects) under a prefix no object key can have: object keys never contain NUL.
 */
export const DEDUP_KEY_PREFIX = '\u0000d/';

export function dedupKey(clientId: string, seq: number): string {
  return `${DEDUP_KEY_PREFIX}${clientId}/${String(seq).padStart(16, '0')}`;
}

export function dedupClientPrefix(clientId: string): string {
  return `${DEDUP_KEY_PREFIX}${clientId}/`;
}

/**
 * A client's settled mark in a slice (a record whose version is the mark): every request of the
 * client with a lower seq already had its final answer and is refused if an attempt still
 * arrives. Not a seq, so the range deletes of the client's dedup records never touch it.
 */
export function settledMarkKey(clientId: string): string {
  return `${DEDUP_KEY_PREFIX}${clientId}/settled`;
}
