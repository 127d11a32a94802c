// The console's side of the public HTTP data API (docs/API.md): the data explorer goes through
// the same door as any program, so what it shows is what a client would see. It is signed in
// by the session cookie, so its writes carry the CSRF header (the browser adds Origin).

export interface ContainerInfo {
  readonly name: string;
  readonly slices: number;
  readonly createdAt: string;
  readonly mapEpoch: number;
}

export interface KeyInfo {
  readonly key: string;
  readonly version: number;
  readonly size: number;
}

export interface KeyPage {
  readonly keys: readonly KeyInfo[];
  readonly nextCursor: string | null;
}

export interface StoredObject {
  readonly key: string;
  readonly version: number;
  readonly value: string;
  readonly bytes: number;
}

/** A refusal of the data API, with its code (`PreconditionFailed`, `NotFound`, ...). */
export class DataApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const BASE = '/api/v1/containers';
/** The header the server requires of cookie-authenticated writes (a cross-site form cannot send it). */
const CSRF = { 'x-tessera-csrf': '1' } as const;
/** Keys per page in the explorer's list. */
export const KEY_PAGE_SIZE = 50;

const objectUrl = (container: string, key: string): string => `${BASE}/${encodeURIComponent(container)}/objects/${encodeURIComponent(key)}`;

async function refusal(response: Response): Promise<DataApiError> {
  try {
    const body = await response.json() as { error?: { code?: string; message?: string } };
    return new DataApiError(response.status, body.error?.code ?? 'Internal', body.error?.message ?? response.statusText);
  } catch {
    return new DataApiError(response.status, 'Internal', `HTTP ${response.status}`);
  }
}

export async function listContainers(): Promise<readonly ContainerInfo[]> {
  const response = await fetch(BASE);
  if (!response.ok) throw await refusal(response);
  return ((await response.json()) as { containers: ContainerInfo[] }).containers;
}

export async function listKeys(container: string, prefix: string, cursor: string): Promise<KeyPage> {
  const query = new URLSearchParams({ prefix, limit: String(KEY_PAGE_SIZE), ...(cursor === '' ? {} : { cursor }) });
  const response = await fetch(`${BASE}/${encodeURIComponent(container)}/objects?${query.toString()}`);
  if (!response.ok) throw await refusal(response);
  return (await response.json()) as KeyPage;
}

export async function getObject(container: string, key: string): Promise<StoredObject | null> {
  const response = await fetch(objectUrl(container, key));
  if (response.status === 404) {
    const error = await refusal(response);
    if (error.code === 'NotFound') return null;
    throw error;
  }
  if (!response.ok) throw await refusal(response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const version = Number((response.headers.get('etag') ?? '"0"').replaceAll('"', ''));
  return { key, version, value: new TextDecoder().decode(bytes), bytes: bytes.length };
}

/** Puts a value; `expectedVersion` makes it a compare-and-set (If-Match). Returns the new version. */
export async function putObject(container: string, key: string, value: string, expectedVersion: number | null): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...CSRF };
  if (expectedVersion !== null) headers['if-match'] = `"${expectedVersion}"`;
  const response = await fetch(objectUrl(container, key), { method: 'PUT', headers, body: value });
  if (!response.ok) throw await refusal(response);
  return ((await response.json()) as { version: number }).version;
}

export async function deleteObject(container: string, key: string): Promise<void> {
  const response = await fetch(objectUrl(container, key), { method: 'DELETE', headers: CSRF });
  if (!response.ok) throw await refusal(response);
}
