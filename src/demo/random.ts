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
  const hi = Math.floor(seed / 0x1_0000_0000) | 0;
  const sm = splitmix32((seed | 0) ^ Math.imul(hi, 0x85ebca6b));
  let s0 = sm();
  let s1 = sm();
  let s2 = sm();
  let s3 = sm();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const float = (): number => u32() / 0x1_0000_0000;
  const int = (lo: number, hi2: number): number => lo + Math.floor(float() * (hi2 - lo + 1));
  return {
    u32,
    float,
    int,
    chance: (p) => float() < p,
    pick: <T>(items: readonly T[]): T => {
      const x = items[Math.floor(float() * items.length)];
      if (x === undefined) throw new RangeError('pick from an empty list');
      return x;
    },
    weighted: (weights) => {
      let total = 0;
      for (const w of weights) total += w;
      let r = float() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
  };
}

/** An independent stream for one entity (e.g. one subscriber's personal data), derived from the seed. */
export const deriveRng = (seed: number, salt: number, index: number): Rng =>
  createRng(((seed | 0) ^ Math.imul(salt + 1, 0x27d4eb2d) ^ Math.imul(index + 1, 0x165667b1)) >>> 0);
