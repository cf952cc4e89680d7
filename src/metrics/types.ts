import type { RawBuilder } from 'kysely';

export type Dim = 'county' | 'product' | 'month' | 'outlet' | 'warehouse' | 'item' | 'bucket';
export const DIMS: readonly Dim[] = ['county', 'product', 'month', 'outlet', 'warehouse', 'item', 'bucket'];

export type MetricKind = 'period' | 'point' | 'bill_month' | 'month';
export type MetricUnit = 'count' | 'fen' | 'rate';
/** Which reference data a family's county/product groups come from. */
export type GroupBasis = 'subscriber' | 'cash' | 'moves';

export type MetricQuery = {
  metric: string;
  from?: string;
  to?: string;
  at?: string;
  month?: string;
  cutoff?: string;
  n?: number;
  by: string[];
  filters: { county?: string; product?: string };
};

export type MetricRow = Record<string, string | number | null>;

export type MetricAnswer = {
  metric: string;
  from?: string;
  to?: string;
  at?: string;
  month?: string;
  cutoff?: string;
  provisional?: boolean;
  n?: number;
  by: string[];
  rows: MetricRow[];
};

export type MetricInfo = {
  id: string;
  label_zh: string;
  label_en: string;
  unit: MetricUnit;
  kind: MetricKind;
  family: 'development' | 'collections' | 'health' | 'cash' | 'terminals';
  cuts: readonly Dim[];
  definition_zh: string;
  definition_en: string;
};

/**
 * A validated query whose county filter is already the actor's scope (`scopedCounty`): the only kind
 * of query a metric family ever sees.
 */
export type ScopedQuery = {
  info: MetricInfo;
  from: string;
  to: string;
  /** point / arrears date, bill-month cutoff */
  at: string;
  /** first day of the bill month / zero-fee month */
  month: string;
  n: number;
  by: Dim[];
  county: string | null;
  product: string | null;
};

export type DrillColumn = {
  key: string;
  label_zh: string;
  label_en: string;
  kind: 'text' | 'integer' | 'money' | 'rate' | 'date' | 'number';
  pii?: 'name' | 'id_number' | 'phone';
};

/**
 * A metric is defined by its records: one SQL select whose rows are the things counted (an order, a
 * subscriber × bill month, an outlet-day, a move), each carrying its group keys (the dims columns),
 * its contribution `num` to the value/numerator and `den` to the denominator, and detail columns for
 * the drill-down. The figure is the sum of `num`/`den` per group; the drill-down lists the rows.
 */
export type MetricDef = {
  info: MetricInfo;
  /** the dims columns the records carry (bucket is derived from month) */
  dims: readonly Exclude<Dim, 'bucket'>[];
  records(q: ScopedQuery): RawBuilder<unknown>;
  columns: readonly DrillColumn[];
};
