/**
 * Split an integer total in proportion to non-negative weights by the largest remainder method, so
 * the parts sum to the total exactly. Ties in the remainder go to the lower index first (callers pass
 * weights in tie-break order: county code, or month).
 */
export function largestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) return largestRemainder(-total, weights).map((x) => -x);
  if (weights.some((w) => w < 0n)) throw new RangeError('weights must be non-negative');
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) throw new RangeError('weights are all zero');
  const floors = weights.map((w) => (total * w) / sum);
  const rems = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let left = total - floors.reduce((a, b) => a + b, 0n);
  rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rems) {
    if (left <= 0n) break;
    floors[i] = (floors[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return floors;
}

/**
 * Decimal weights such as "60.5" or 0.4 as exact integers on a common scale (10^6), so the
 * proportions stay exact.
 */
export function decimalWeights(ws: readonly (string | number)[], scale = 6): bigint[] {
  return ws.map((w) => {
    const s = typeof w === 'number' ? w.toFixed(scale) : w.trim();
    const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
    if (!m) throw new RangeError(`not a non-negative decimal weight: ${w}`);
    const frac = (m[2] ?? '').slice(0, scale).padEnd(scale, '0');
    return BigInt(m[1] ?? '0') * 10n ** BigInt(scale) + BigInt(frac || '0');
  });
}
