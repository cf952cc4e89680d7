/**
 * A rate carries its exact integer numerator and denominator; `value` is numerator / denominator
 * rounded half up to 4 decimals, in integer arithmetic. A zero denominator gives null.
 */
export type Rate = { value: number | null; numerator: number; denominator: number };

export function rateValue(numerator: number | bigint, denominator: number | bigint): number | null {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  if (d === 0n) return null;
  // half up (toward +∞ at exactly .5) on n/d * 10000
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = (an * 20000n + ad) / (2n * ad); // floor(an*10000/ad + 1/2)
  if (neg) {
    // for negatives, half up means toward +∞: -x.5 → -x
    const exact2 = an * 20000n; // 2 * an * 10000
    const isHalf = exact2 % (2n * ad) === ad;
    if (isHalf) q -= 1n;
    q = -q;
  }
  return Number(q) / 10000;
}

export const rate = (numerator: number, denominator: number): Rate => ({
  value: rateValue(numerator, denominator),
  numerator,
  denominator,
});

/** floor(x + 1/2) for x = a / b, b > 0: the spec's "half up" to a whole unit. */
export function divHalfUp(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError('divisor must be positive');
  const num = 2n * a + b;
  const den = 2n * b;
  // floor division for possibly negative numerators
  const q = num / den;
  return num % den !== 0n && num < 0n ? q - 1n : q;
}
