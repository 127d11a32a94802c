// One system as the load generator sees it: put a value, get one back, close. A driver throws
// when the system refuses or fails a request, so the generator counts it as an error.

export interface Driver {
  put(key: string, value: Uint8Array): Promise<void>;
  /** Resolves with the number of value bytes read. */
  get(key: string): Promise<number>;
  close(): Promise<void>;
}
