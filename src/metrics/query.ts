import { ValidationError } from '../core/errors.js';
import { addMonths, endOfMonth, firstDay, isIsoDate, isIsoMonth, minDate, monthOf } from '../core/dates.js';
import type { ReferenceData } from '../modules/reference/reference.repository.js';
import { METRIC_CATALOG, metricInfo } from './catalog.js';
import { DIMS, type Dim, type MetricInfo, type MetricQuery } from './types.js';

const str = (v: unknown, name: string): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  throw new ValidationError(`参数 ${name} 应为文本`, `parameter ${name} must be a string`, { field: name });
};

/**
 * A metric query from loose input (HTTP query string, CLI flags, a batch file entry). Shapes only; the
 * meaning (dates, cuts, scope) is checked by runMetric, so every entry point gets the same rejections.
 */
export function parseMetricQuery(input: Record<string, unknown>): MetricQuery {
  const metric = str(input.metric ?? input.id, 'metric');
  if (!metric) throw new ValidationError('缺少指标编号', 'metric id is missing', { field: 'metric' });
  let by: string[] = [];
  const rawBy = input.by;
  if (Array.isArray(rawBy)) by = rawBy.map((x, i) => str(x, `by[${i}]`) ?? '').filter(Boolean);
  else if (rawBy !== undefined && rawBy !== null && rawBy !== '') {
    by = (str(rawBy, 'by') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  const f = input.filters;
  if (f !== undefined && f !== null && (typeof f !== 'object' || Array.isArray(f))) {
    throw new ValidationError('filters 应为对象', 'filters must be an object', { field: 'filters' });
  }
  const filters = (f ?? {}) as Record<string, unknown>;
  const county = str(filters.county ?? input.county, 'county');
  const product = str(filters.product ?? input.product, 'product');
  let n: number | undefined;
  const rawN = input.n;
  if (rawN !== undefined && rawN !== null && rawN !== '') {
    n = typeof rawN === 'number' ? rawN : /^\s*-?\d+\s*$/.test(String(rawN)) ? Number(rawN) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > 120) {
      throw new ValidationError('n 应为 1 到 120 之间的整数', 'n must be a whole number from 1 to 120', {
        field: 'n',
        value: rawN,
      });
    }
  }
  const q: MetricQuery = { metric, by, filters: {} };
  for (const k of ['from', 'to', 'at', 'month', 'cutoff'] as const) {
    const v = str(input[k], k);
    if (v !== undefined) q[k] = v;
  }
  if (n !== undefined) q.n = n;
  if (county) q.filters.county = county;
  if (product) q.filters.product = product;
  return q;
}

const needDate = (v: string | undefined, name: string, metric: string): string => {
  if (v === undefined) {
    throw new ValidationError(
      `指标 ${metric} 需要参数 ${name}（日期 YYYY-MM-DD）`,
      `metric ${metric} needs ${name} (a date YYYY-MM-DD)`,
      {
        field: name,
      },
    );
  }
  if (!isIsoDate(v)) {
    throw new ValidationError(
      `${name} 不是有效日期：${v}`,
      `${name} is not a valid date (YYYY-MM-DD): ${v}`,
      { field: name, value: v },
    );
  }
  return v;
};

const needMonth = (v: string | undefined, metric: string): string => {
  if (v === undefined) {
    throw new ValidationError(
      `指标 ${metric} 需要参数 month（YYYY-MM）`,
      `metric ${metric} needs month (YYYY-MM)`,
      { field: 'month' },
    );
  }
  if (!isIsoMonth(v))
    throw new ValidationError(`month 不是有效月份：${v}`, `month is not a valid month (YYYY-MM): ${v}`, {
      field: 'month',
      value: v,
    });
  return v;
};

export type CheckedQuery = {
  info: MetricInfo;
  from: string;
  to: string;
  at: string;
  month: string;
  n: number;
  by: Dim[];
  provisional?: boolean;
  echo: Partial<Record<'from' | 'to' | 'at' | 'month' | 'cutoff', string>> & { n?: number };
};

/** Check a query against its metric's kind and cuts. `today` decides the default bill-month cutoff. */
export function checkQuery(q: MetricQuery, today: string, ref: ReferenceData): CheckedQuery {
  const info = metricInfo(q.metric);
  if (!info) {
    throw new ValidationError(`未知指标：${q.metric}`, `unknown metric: ${q.metric}`, {
      field: 'metric',
      value: q.metric,
      allowed: METRIC_CATALOG.map((m) => m.id),
    });
  }
  const id = info.id;
  const out: CheckedQuery = { info, from: '', to: '', at: '', month: '', n: 3, by: [], echo: {} };
  switch (info.kind) {
    case 'period': {
      out.from = needDate(q.from, 'from', id);
      out.to = needDate(q.to, 'to', id);
      if (out.from > out.to) {
        throw new ValidationError(
          `开始日期 ${out.from} 晚于结束日期 ${out.to}`,
          `from ${out.from} is after to ${out.to}`,
          { field: 'from' },
        );
      }
      if (
        id === 'revenue' &&
        (out.from !== firstDay(monthOf(out.from)) || out.to !== endOfMonth(monthOf(out.to)))
      ) {
        throw new ValidationError(
          `业务收入只能按整月查询：期间须从月初开始、到月末结束（收到 ${out.from} 至 ${out.to}）`,
          `revenue exists per whole month only: the period must start on a month's first day and end on a month's last day (got ${out.from} to ${out.to})`,
          { field: 'from' },
        );
      }
      out.echo = { from: out.from, to: out.to };
      break;
    }
    case 'point':
      out.at = needDate(q.at, 'at', id);
      out.echo = { at: out.at };
      break;
    case 'bill_month': {
      const m = needMonth(q.month, id);
      out.month = firstDay(m);
      const eomNext = endOfMonth(addMonths(m, 1));
      out.at = q.cutoff === undefined ? minDate(eomNext, today) : needDate(q.cutoff, 'cutoff', id);
      out.provisional = out.at < eomNext;
      out.echo = { month: m, cutoff: out.at };
      break;
    }
    case 'month': {
      const m = needMonth(q.month, id);
      out.month = firstDay(m);
      out.n = q.n ?? 3;
      out.at = endOfMonth(m);
      out.echo = { month: m, n: out.n };
      break;
    }
  }
  const allowed: readonly string[] = id === 'arrears_aging' ? [...info.cuts, 'bucket'] : info.cuts;
  const seen = new Set<string>();
  for (const d of q.by) {
    if (!allowed.includes(d)) {
      const known = (DIMS as readonly string[]).includes(d);
      throw new ValidationError(
        known
          ? `指标 ${id} 不支持按 ${d} 分组；可用：${allowed.join(', ')}`
          : `未知的分组维度：${d}；可用：${allowed.join(', ')}`,
        known
          ? `metric ${id} cannot be cut by ${d}; allowed cuts: ${allowed.join(', ')}`
          : `unknown cut ${d}; allowed cuts: ${allowed.join(', ')}`,
        { field: 'by', value: d, allowed },
      );
    }
    if (seen.has(d))
      throw new ValidationError(`分组维度重复：${d}`, `cut ${d} is given twice`, { field: 'by', value: d });
    seen.add(d);
  }
  out.by = q.by as Dim[];
  // the aging buckets are always part of the answer's groups
  if (id === 'arrears_aging' && !seen.has('bucket')) out.by = [...out.by, 'bucket'];

  if (q.filters.product !== undefined && !info.cuts.includes('product')) {
    throw new ValidationError(
      `指标 ${id} 不能按产品筛选（现金类指标按网点归属县区，无产品）`,
      `metric ${id} cannot be filtered by product (cash metrics belong to outlets, which have no product)`,
      { field: 'product' },
    );
  }
  if (q.filters.county !== undefined && !ref.counties.some((c) => c.code === q.filters.county)) {
    throw new ValidationError(`未知县区：${q.filters.county}`, `unknown county: ${q.filters.county}`, {
      field: 'county',
      value: q.filters.county,
    });
  }
  if (q.filters.product !== undefined && !ref.products.some((p) => p.code === q.filters.product)) {
    throw new ValidationError(`未知产品：${q.filters.product}`, `unknown product: ${q.filters.product}`, {
      field: 'product',
      value: q.filters.product,
    });
  }
  return out;
}

/** Month keys 'YYYY-MM' of the period [from, to]. */
export function periodMonths(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = monthOf(from); m <= monthOf(to); m = addMonths(m, 1)) out.push(m);
  return out;
}
