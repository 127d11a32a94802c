// Seeded pseudo-random numbers for the simulator and for anything in the engine that needs
// randomness: xoshiro128** seeded through splitmix32, so one 32-bit seed fixes a whole run.

import type { RandomSource } from '../runtime/runtime';
import { assert } from '../util/assert';

function splitmix32(state: number): { value: number; next: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { value: z >>> 0, next };
}

export class SeededRandom implements RandomSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    assert(Number.isInteger(seed), `seed must be an integer, got ${seed}`);
    let state = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = splitmix32(state);
      words.push(r.value);
      state = r.next;
    }
    this.s0 = words[0] ?? 1;
    this.s1 = words[1] ?? 2;
    this.s2 = words[2] ?? 3;
    this.s3 = words[3] ?? 4;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  nextInt(maxExclusive: number): number {
    assert(Number.isInteger(maxExclusive) && maxExclusive > 0 && maxExclusive <= 4294967296, `nextInt bound ${maxExclusive}`);
    // Rejection sampling keeps the distribution exactly uniform.
    const limit = 4294967296 - (4294967296 % maxExclusive);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % maxExclusive;
    }
  }

  /** A child generator whose stream is independent of this one's future draws. */
  fork(): SeededRandom {
    return new SeededRandom(this.nextU32() | 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
