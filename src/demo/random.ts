/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) so the demo city is a pure function
 * of its seed: never Math.random, never the clock.
 */
export type Rng = {
  /** Uniform unsigned 32-bit integer. */
  u32(): number;
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Index drawn in proportion to non-negative weights. */
  weighted(weights: readonly number[]): number;
};

function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Seeds may be any safe integer: the high and low 32 bits are both mixed in. */
export function createRng(seed: number): Rng {
  return new Xoshiro128(seed);
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    const hi = Math.floor(seed / 0x1_0000_0000) | 0;
    const sm = splitmix32((seed | 0) ^ Math.imul(hi, 0x85ebca6b));
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  u32(): number {
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

  float(): number {
    return this.u32() / 0x1_0000_0000;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    const x = items[Math.floor(this.float() * items.length)];
    if (x === undefined) throw new RangeError('pick from an empty list');
    return x;
  }

  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** An independent stream for one entity (e.g. one subscriber's personal data), derived from the seed. */
export const deriveRng = (seed: number, salt: number, index: number): Rng =>
  createRng(((seed | 0) ^ Math.imul(salt + 1, 0x27d4eb2d) ^ Math.imul(index + 1, 0x165667b1)) >>> 0);
