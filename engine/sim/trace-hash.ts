// A running FNV-1a hash of a simulation's observable trace: two runs of one seed must produce
// the same hash, which is how determinism is proven.

export class TraceHash {
  private hash = 0x811c9dc5;
  private count = 0;

  add(line: string): void {
    let h = this.hash;
    for (let i = 0; i < line.length; i++) {
      h ^= line.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x0a;
    this.hash = Math.imul(h, 0x01000193);
    this.count++;
  }

  get lines(): number {
    return this.count;
  }

  hex(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0');
  }
}
