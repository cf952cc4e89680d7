import type { Cut, MetricDef, MetricQuery } from '../../api/metrics-api';
import { addMonths, currentMonth, monthEnd, monthStart } from '../../lib/format';

/** The explorer's whole state lives in the query string so a URL reproduces the query. */
export type ExplorerState = { metric: string | null; query: MetricQuery };

const CUTS: readonly string[] = ['county', 'product', 'month', 'outlet', 'warehouse', 'item', 'bucket'];

export function parseExplorer(params: URLSearchParams): ExplorerState {
  const get = (k: string) => params.get(k) || undefined;
  const n = Number(params.get('n'));
  const by = (params.get('by') ?? '').split(',').filter((c): c is Cut => CUTS.includes(c));
  return {
    metric: params.get('metric') || null,
    query: {
      from: get('from'),
      to: get('to'),
      at: get('at'),
      month: get('month'),
      cutoff: get('cutoff'),
      n: Number.isInteger(n) && n > 0 ? n : undefined,
      by,
      county: get('county'),
      product: get('product'),
    },
  };
}

export function toSearchParams(state: ExplorerState): URLSearchParams {
  const p = new URLSearchParams();
  if (state.metric) p.set('metric', state.metric);
  const q = state.query;
  const entries: [string, string | number | undefined][] = [
    ['from', q.from],
    ['to', q.to],
    ['at', q.at],
    ['month', q.month],
    ['cutoff', q.cutoff],
    ['n', q.n],
    ['by', q.by && q.by.length > 0 ? q.by.join(',') : undefined],
    ['county', q.county],
    ['product', q.product],
  ];
  for (const [k, v] of entries) if (v !== undefined && v !== '') p.set(k, String(v));
  return p;
}

const today = (): string => new Date().toISOString().slice(0, 10);

/** Switching metric keeps the filters and the cuts it allows, and gives a default time parameter for its kind. */
export function queryForMetric(def: MetricDef, prev: MetricQuery): MetricQuery {
  const last = addMonths(currentMonth(), -1);
  const base: MetricQuery = {
    by: (prev.by ?? []).filter((c) => def.cuts.includes(c)),
    county: prev.county,
    product: def.cuts.includes('product') ? prev.product : undefined,
  };
  switch (def.kind) {
    case 'period':
      return { ...base, from: prev.from ?? monthStart(last), to: prev.to ?? monthEnd(last) };
    case 'point':
      return { ...base, at: prev.at ?? today() };
    case 'bill_month':
      return { ...base, month: prev.month ?? last, cutoff: prev.cutoff };
    case 'month':
      return { ...base, month: prev.month ?? last, n: def.id.startsWith('zero_fee') ? prev.n : undefined };
  }
}

/** A query is ready to run once its kind's time parameter is present. */
export function isComplete(def: MetricDef, q: MetricQuery): boolean {
  switch (def.kind) {
    case 'period':
      return Boolean(q.from && q.to);
    case 'point':
      return Boolean(q.at);
    case 'bill_month':
    case 'month':
      return Boolean(q.month);
  }
}
