import type { DistributionSpec, WeightSource, WeightsSpec } from './plan.types.js';

/**
 * The text forms of weights and distributions used by the CLI and the xlsx template:
 *   weights:      manual:C01=3,C02=1 | last_year | households | blend:last_year=0.6,households=0.4
 *   distribution: equal | last_year | custom:p1,…,p12
 * A malformed text is a usage problem, told apart from a rejected value by the caller.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; zh: string; en: string };

const DECIMAL = /^\d+(\.\d+)?$/;
const bad = <T>(zh: string, en: string): Parsed<T> => ({ ok: false, zh, en });

function pairs(body: string): Parsed<[string, string][]> {
  const out: [string, string][] = [];
  for (const part of body.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m?.[1] || !m[2] || !DECIMAL.test(m[2]))
      return bad(`无法识别「${part}」，应为 名称=数值`, `Cannot read "${part}": expected name=number`);
    out.push([m[1], m[2]]);
  }
  return { ok: true, value: out };
}

export function parseWeights(text: string): Parsed<WeightsSpec> {
  const s = text.trim();
  if (s === 'last_year' || s === 'households') return { ok: true, value: { method: s } };
  const i = s.indexOf(':');
  const head = i < 0 ? s : s.slice(0, i);
  const body = i < 0 ? '' : s.slice(i + 1);
  if ((head === 'manual' || head === 'blend') && body) {
    const p = pairs(body);
    if (!p.ok) return p;
    if (head === 'manual')
      return { ok: true, value: { method: 'manual', values: Object.fromEntries(p.value) } };
    const parts: Partial<Record<WeightSource, string>> = {};
    for (const [k, v] of p.value) {
      if (k !== 'last_year' && k !== 'households') {
        return bad(
          `混合权重只能由 last_year 和 households 组成：${k}`,
          `A blend mixes last_year and households only: ${k}`,
        );
      }
      parts[k] = v;
    }
    return { ok: true, value: { method: 'blend', parts } };
  }
  return bad(
    `无法识别的权重方法「${text}」（manual:C01=3,C02=1 | last_year | households | blend:last_year=0.6,households=0.4）`,
    `Unknown weights "${text}" (manual:C01=3,C02=1 | last_year | households | blend:last_year=0.6,households=0.4)`,
  );
}

export function parseDistribution(text: string): Parsed<DistributionSpec> {
  const s = text.trim();
  if (s === 'equal' || s === 'last_year') return { ok: true, value: { kind: s } };
  if (s.startsWith('custom:')) {
    const ps = s
      .slice(7)
      .split(',')
      .map((x) => x.trim());
    if (ps.some((p) => !DECIMAL.test(p)))
      return bad(
        `月度百分比必须是非负数：${s.slice(7)}`,
        `The monthly percentages must be non-negative numbers: ${s.slice(7)}`,
      );
    return { ok: true, value: { kind: 'custom', percents: ps } };
  }
  return bad(
    `无法识别的月度分布「${text}」（equal | last_year | custom:p1,…,p12）`,
    `Unknown distribution "${text}" (equal | last_year | custom:p1,…,p12)`,
  );
}

/** Integers separated by commas (month values); revenue values are whole yuan. */
export function parseIntegers(text: string): Parsed<number[]> {
  const xs = text.split(',').map((x) => x.trim());
  if (xs.some((x) => !/^-?\d+$/.test(x)))
    return bad(`应为以逗号分隔的整数：${text}`, `Expected whole numbers separated by commas: ${text}`);
  return { ok: true, value: xs.map(Number) };
}
