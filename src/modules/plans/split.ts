import { decimalWeights, largestRemainder } from '../../core/largest-remainder.js';
import { ValidationError } from '../../core/errors.js';
import type { CountyPlan, DistributionSpec, PlanMetric, WeightSource, WeightsSpec } from './plan.types.js';

/**
 * The split rules of metrics.md "Plans and schedule", as pure functions over bigint. Counties are
 * always passed sorted by county_code, months in calendar order, so the largest-remainder tie-break
 * (lower index first) is the spec's (lower county_code / earlier month first).
 */

const METRIC_LABEL: Record<PlanMetric, { zh: string; en: string }> = {
  revenue: { zh: '业务收入', en: 'revenue' },
  new_installs: { zh: '新装量', en: 'new installs' },
  net_adds: { zh: '净增', en: 'net adds' },
};

/** Revenue is planned in whole yuan: 100 fen is one split unit. Counts split in whole units. */
export const splitUnit = (metric: PlanMetric): bigint => (metric === 'revenue' ? 100n : 1n);

/** Reject what the spec rejects: revenue not in whole yuan, a negative target except net_adds. */
export function assertValidTarget(
  metric: PlanMetric,
  total: bigint,
  what = { zh: '年度目标', en: 'annual target' },
): void {
  if (metric === 'revenue' && total % 100n !== 0n) {
    throw new ValidationError(
      `${what.zh}必须是整元：${formatFenExact(total)} 元`,
      `The revenue ${what.en} must be whole yuan: ${formatFenExact(total)} yuan`,
      { value: Number(total) },
    );
  }
  if (total < 0n && metric !== 'net_adds') {
    const l = METRIC_LABEL[metric];
    throw new ValidationError(
      `${l.zh}的${what.zh}不能为负数（只有净增可以为负）`,
      `A negative ${what.en} is not allowed for ${l.en} (only net_adds may be negative)`,
      { value: Number(total) },
    );
  }
}

const formatFenExact = (fen: bigint): string => {
  const neg = fen < 0n;
  const a = neg ? -fen : fen;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
};

/**
 * Split a total (fen for revenue) by non-negative weights with the largest remainder method, in the
 * metric's unit. A negative net_adds total is split by magnitude and every part negated.
 */
export function splitByWeights(
  metric: PlanMetric,
  total: bigint,
  weights: readonly bigint[],
  what?: { zh: string; en: string },
): bigint[] {
  assertValidTarget(metric, total, what);
  if (weights.some((w) => w < 0n)) {
    throw new ValidationError('权重不能为负数', 'Weights must not be negative');
  }
  if (!weights.some((w) => w > 0n)) {
    throw new ValidationError('权重全部为零，无法分解', 'The weights are all zero: nothing to split by');
  }
  const unit = splitUnit(metric);
  const neg = total < 0n;
  const parts = largestRemainder((neg ? -total : total) / unit, weights);
  return parts.map((p) => (neg ? -p : p) * unit);
}

/** Per-county data a weight method can draw on, aligned with the sorted county list. */
export type WeightInputs = {
  counties: readonly string[];
  /** Last year's actual of the same metric and product per county (null when not loaded). */
  lastYear?: readonly bigint[];
  /** households per county; null where the reference data has none. */
  households?: readonly (bigint | null)[];
};

function parseDecimals(values: readonly (string | number)[], label: { zh: string; en: string }): bigint[] {
  try {
    return decimalWeights(values);
  } catch {
    throw new ValidationError(
      `${label.zh}必须是非负数：${values.join(', ')}`,
      `${label.en} must be non-negative numbers: ${values.join(', ')}`,
      { values },
    );
  }
}

function sourceVector(source: WeightSource, inputs: WeightInputs): bigint[] {
  if (source === 'households') {
    const hh = inputs.households ?? [];
    return inputs.counties.map((c, i) => {
      const v = hh[i];
      if (v === null || v === undefined) {
        throw new ValidationError(
          `县区 ${c} 没有户数（households），不能按户数分解`,
          `County ${c} has no households figure: cannot split by households`,
          {
            county: c,
          },
        );
      }
      return v;
    });
  }
  const ly = inputs.lastYear ?? [];
  return inputs.counties.map((c, i) => {
    const v = ly[i] ?? 0n;
    if (v < 0n) {
      throw new ValidationError(
        `县区 ${c} 去年实绩为负（${v}），不能作为权重；请改用其他方法`,
        `County ${c} has a negative last-year actual (${v}): it cannot be a weight; choose another method`,
        { county: c, value: Number(v) },
      );
    }
    return v;
  });
}

/**
 * Integer county weights for a method. A blend mixes the NORMALISED shares exactly:
 * w_i = Σ_k s_k · v_k,i · Π_{j≠k} S_j, which is proportional to Σ_k s_k · v_k,i / S_k.
 * Blend shares are themselves used as weights (0.6/0.4 and 60/40 mean the same).
 */
export function countyWeights(spec: WeightsSpec, inputs: WeightInputs): bigint[] {
  const { counties } = inputs;
  switch (spec.method) {
    case 'manual': {
      const known = new Set(counties);
      const unknown = Object.keys(spec.values).filter((c) => !known.has(c));
      if (unknown.length) {
        throw new ValidationError(
          `未知县区：${unknown.join(', ')}`,
          `Unknown county: ${unknown.join(', ')}`,
          { counties: unknown },
        );
      }
      const ws = parseDecimals(
        counties.map((c) => spec.values[c] ?? 0),
        { zh: '手工权重', en: 'Manual weights' },
      );
      return assertSomeWeight(ws, { zh: '手工权重', en: 'manual weights' });
    }
    case 'last_year':
      return assertSomeWeight(sourceVector('last_year', inputs), {
        zh: '去年实绩',
        en: "last year's actuals",
      });
    case 'households':
      return assertSomeWeight(sourceVector('households', inputs), { zh: '户数', en: 'households' });
    case 'blend': {
      const entries = (Object.entries(spec.parts) as [WeightSource, string | number][]).filter(
        ([, s]) => s !== undefined,
      );
      if (!entries.length)
        throw new ValidationError('混合权重没有组成部分', 'A blend needs at least one part');
      const shares = parseDecimals(
        entries.map(([, s]) => s),
        { zh: '混合比例', en: 'Blend shares' },
      );
      const used = entries.map(([src], k) => ({ src, share: shares[k] ?? 0n })).filter((p) => p.share > 0n);
      if (!used.length) throw new ValidationError('混合比例全部为零', 'The blend shares are all zero');
      const vectors = used.map((p) => {
        const v = sourceVector(p.src, inputs);
        const label =
          p.src === 'households'
            ? { zh: '户数', en: 'households' }
            : { zh: '去年实绩', en: "last year's actuals" };
        assertSomeWeight(v, label);
        return v;
      });
      const totals = vectors.map((v) => v.reduce((a, b) => a + b, 0n));
      return counties.map((_, i) =>
        used.reduce((acc, p, k) => {
          const others = totals.reduce((prod, t, j) => (j === k ? prod : prod * t), 1n);
          return acc + p.share * (vectors[k]?.[i] ?? 0n) * others;
        }, 0n),
      );
    }
  }
}

function assertSomeWeight(ws: bigint[], label: { zh: string; en: string }): bigint[] {
  if (!ws.some((w) => w > 0n)) {
    throw new ValidationError(
      `${label.zh}全部为零，无法分解`,
      `The ${label.en} are all zero: nothing to split by`,
    );
  }
  return ws;
}

const PCT_SCALE = 1_000_000n; // decimalWeights' 10^6
const HUNDRED = 100n * PCT_SCALE;
const TOLERANCE = PCT_SCALE / 100n; // 0.01

/** A scaled decimal (10^6) as a plain decimal string: 99500000 → "99.5". */
export function scaledToString(x: bigint): string {
  const neg = x < 0n;
  const a = neg ? -x : x;
  const frac = String(a % PCT_SCALE)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${neg ? '-' : ''}${a / PCT_SCALE}${frac ? `.${frac}` : ''}`;
}

/** 12 non-negative percentages summing to 100 within 0.01, as integer weights (scaled 10^6). */
export function percentWeights(percents: readonly (string | number)[]): bigint[] {
  if (percents.length !== 12) {
    throw new ValidationError(
      `月度分布需要 12 个百分比，收到 ${percents.length} 个`,
      `A monthly distribution needs 12 percentages, got ${percents.length}`,
    );
  }
  const ws = parseDecimals(percents, { zh: '月度百分比', en: 'Monthly percentages' });
  const sum = ws.reduce((a, b) => a + b, 0n);
  const diff = sum - HUNDRED;
  if (diff > TOLERANCE || -diff > TOLERANCE) {
    const by = scaledToString(diff < 0n ? -diff : diff);
    throw new ValidationError(
      `月度百分比合计 ${scaledToString(sum)}，${diff < 0n ? '少' : '多'} ${by}（应为 100，允许误差 0.01）`,
      `The monthly percentages sum to ${scaledToString(sum)}, ${by} ${diff < 0n ? 'short of' : 'over'} 100 (allowed difference 0.01)`,
      { sum: scaledToString(sum), difference: scaledToString(diff) },
    );
  }
  return assertSomeWeight(ws, { zh: '月度百分比', en: 'monthly percentages' });
}

/**
 * Month weights for a distribution. `lastYearMonths` is the city's actual of last year per month
 * (needed for 'last_year'); `annual` is the city annual, which explicit month values must sum to.
 */
export function monthWeights(
  spec: DistributionSpec,
  ctx: { metric: PlanMetric; annual: bigint; lastYearMonths?: readonly bigint[] },
): bigint[] {
  switch (spec.kind) {
    case 'equal':
      return Array.from({ length: 12 }, () => 1n);
    case 'custom':
      return percentWeights(spec.percents);
    case 'last_year': {
      const ly = ctx.lastYearMonths ?? [];
      const ws = Array.from({ length: 12 }, (_, i) => ly[i] ?? 0n);
      const bad = ws.findIndex((w) => w < 0n);
      if (bad >= 0) {
        throw new ValidationError(
          `去年 ${bad + 1} 月实绩为负，不能作为季节性分布；请改用其他分布`,
          `Last year's month ${bad + 1} is negative: it cannot serve as seasonality; choose another distribution`,
          { month: bad + 1 },
        );
      }
      return assertSomeWeight(ws, { zh: '去年各月实绩', en: "last year's monthly actuals" });
    }
    case 'months': {
      if (spec.values.length !== 12) {
        throw new ValidationError(
          `需要 12 个月度值，收到 ${spec.values.length} 个`,
          `12 month values are needed, got ${spec.values.length}`,
        );
      }
      const vs = spec.values.map((v) => BigInt(v));
      vs.forEach((v, i) =>
        assertValidTarget(ctx.metric, v, { zh: `${i + 1} 月值`, en: `month ${i + 1} value` }),
      );
      const sum = vs.reduce((a, b) => a + b, 0n);
      if (sum !== ctx.annual) {
        throw new ValidationError(
          `12 个月度值合计 ${sum}，与年度目标 ${ctx.annual} 相差 ${sum - ctx.annual}`,
          `The 12 month values sum to ${sum}, ${sum - ctx.annual} off the annual target ${ctx.annual}`,
          { sum: Number(sum), annual: Number(ctx.annual), difference: Number(sum - ctx.annual) },
        );
      }
      const neg = ctx.annual < 0n;
      if (vs.some((v) => (neg ? v > 0n : v < 0n))) {
        throw new ValidationError(
          '月度值的正负号必须与年度目标一致',
          'Every month value must have the sign of the annual target',
        );
      }
      // used as weights: their magnitudes (a declining net_adds line has all parts ≤ 0)
      return assertSomeWeight(
        vs.map((v) => (v < 0n ? -v : v)),
        { zh: '月度值', en: 'month values' },
      );
    }
  }
}

/** Split a city annual to counties and each county's annual to months. */
export function splitPlan(input: {
  metric: PlanMetric;
  annual: bigint;
  counties: readonly string[];
  countyWeights: readonly bigint[];
  monthWeights: readonly bigint[];
}): CountyPlan[] {
  const annuals = splitByWeights(input.metric, input.annual, input.countyWeights);
  return input.counties.map((county, i) => {
    const annual = annuals[i] ?? 0n;
    return { county, annual, months: splitMonths(input.metric, annual, input.monthWeights) };
  });
}

/** A county annual over 12 months; a zero annual is twelve zeros (nothing to distribute). */
export function splitMonths(metric: PlanMetric, annual: bigint, weights: readonly bigint[]): bigint[] {
  if (annual === 0n) return weights.map(() => 0n);
  return splitByWeights(metric, annual, weights);
}

/**
 * Mid-year revision, remaining months only: months before `fromMonth` keep their published values;
 * what the new city annual leaves after them is split to counties by the weights and, per county,
 * over months fromMonth..12 by the distribution restricted to those months.
 */
export function reviseRemaining(input: {
  metric: PlanMetric;
  annual: bigint;
  fromMonth: number;
  previous: readonly CountyPlan[];
  countyWeights: readonly bigint[];
  monthWeights: readonly bigint[];
}): CountyPlan[] {
  const { metric, fromMonth } = input;
  if (!Number.isInteger(fromMonth) || fromMonth < 1 || fromMonth > 12) {
    throw new ValidationError(
      '重新分解的起始月必须在 1–12 之间',
      'The first re-split month must be between 1 and 12',
      { from_month: fromMonth },
    );
  }
  assertValidTarget(metric, input.annual);
  const keep = fromMonth - 1;
  const kept = input.previous.map((p) => p.months.slice(0, keep));
  const keptTotal = kept.flat().reduce((a, b) => a + b, 0n);
  const remaining = input.annual - keptTotal;
  if (remaining < 0n && metric !== 'net_adds') {
    throw new ValidationError(
      `新的年度目标 ${input.annual} 低于已过月份的计划合计 ${keptTotal}`,
      `The new annual target ${input.annual} is below the ${keptTotal} already planned for the past months`,
      { annual: Number(input.annual), kept: Number(keptTotal) },
    );
  }
  const rest = input.monthWeights.slice(keep);
  const remainingByCounty =
    remaining === 0n
      ? input.previous.map(() => 0n)
      : splitByWeights(metric, remaining, input.countyWeights, {
          zh: '剩余月份目标',
          en: 'remaining-months target',
        });
  return input.previous.map((p, i) => {
    const r = remainingByCounty[i] ?? 0n;
    if (r !== 0n && !rest.some((w) => w > 0n)) {
      throw new ValidationError(
        '剩余月份的分布权重全部为零',
        'The distribution gives the remaining months no weight',
      );
    }
    const months = [...(kept[i] ?? []), ...(r === 0n ? rest.map(() => 0n) : splitByWeights(metric, r, rest))];
    return { county: p.county, annual: months.reduce((a, b) => a + b, 0n), months };
  });
}

/** Quarter sums of 12 month values. */
export const quarters = (months: readonly bigint[]): bigint[] =>
  [0, 1, 2, 3].map((q) => months.slice(q * 3, q * 3 + 3).reduce((a, b) => a + b, 0n));
