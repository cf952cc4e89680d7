import { buildUrl, http, type Query } from './http';
import type { MetricUnit } from '../lib/format';

export type MetricKind = 'period' | 'point' | 'bill_month' | 'month';
export type Cut = 'county' | 'product' | 'month' | 'outlet' | 'warehouse' | 'item' | 'bucket';

export type MetricDef = {
  id: string;
  label_zh: string;
  label_en: string;
  unit: MetricUnit;
  kind: MetricKind;
  cuts: Cut[];
  definition_zh: string;
  definition_en: string;
  family?: string;
  /** Unit of a rate's numerator and denominator when the server states it. */
  part_unit?: MetricUnit;
};

/** Collection rates divide money by money; every other rate divides counts. */
export const ratePartUnit = (def: MetricDef): MetricUnit =>
  def.part_unit ?? (def.id === 'current_collection_rate' ? 'fen' : 'count');

/** The time parameter, cuts and filters of one metric query; the same object drives the URL and the API. */
export type MetricQuery = {
  from?: string;
  to?: string;
  at?: string;
  month?: string;
  cutoff?: string;
  n?: number;
  by?: Cut[];
  county?: string;
  product?: string;
};

export type MetricRow = {
  county?: string | null;
  product?: string | null;
  month?: string | null;
  outlet?: string | null;
  warehouse?: string | null;
  item?: string | null;
  bucket?: string | null;
  value: number | null;
  numerator?: number;
  denominator?: number;
};

export type MetricAnswer = {
  metric: string;
  from?: string;
  to?: string;
  at?: string;
  month?: string;
  cutoff?: string;
  provisional?: boolean;
  by: Cut[];
  rows: MetricRow[];
};

export type DrillSide = 'numerator' | 'denominator' | 'value';

export type DrillColumn = {
  key: string;
  label_zh: string;
  label_en: string;
  kind?: string;
};

export type DrillAnswer = {
  columns: DrillColumn[];
  rows: Record<string, unknown>[];
  total: number;
};

export type DrillOptions = {
  row: Partial<Record<Cut, string | null>>;
  side: DrillSide;
  page: number;
  pageSize: number;
  sort?: string;
  order?: 'asc' | 'desc';
  reveal?: boolean;
};

export type ExportFormat = 'xlsx' | 'csv';

export const metricQueryParams = (q: MetricQuery): Query => ({
  from: q.from,
  to: q.to,
  at: q.at,
  month: q.month,
  cutoff: q.cutoff,
  n: q.n,
  by: q.by && q.by.length > 0 ? q.by.join(',') : undefined,
  county: q.county,
  product: q.product,
});

const drillParams = (q: MetricQuery, o: DrillOptions): Query => ({
  ...metricQueryParams(q),
  row: JSON.stringify(o.row),
  side: o.side,
  page: o.page,
  pageSize: o.pageSize,
  sort: o.sort,
  order: o.sort ? o.order : undefined,
  reveal: o.reveal ? 1 : undefined,
});

const metricPath = (id: string): string => `/api/metrics/${encodeURIComponent(id)}`;

export const metricsApi = {
  catalog: async (): Promise<MetricDef[]> => {
    const raw = await http.get<MetricDef[] | { metrics?: MetricDef[]; rows?: MetricDef[] }>('/api/metrics');
    return Array.isArray(raw) ? raw : (raw.metrics ?? raw.rows ?? []);
  },
  query: (id: string, q: MetricQuery) => http.get<MetricAnswer>(metricPath(id), metricQueryParams(q)),
  exportUrl: (id: string, q: MetricQuery, format: ExportFormat) =>
    buildUrl(metricPath(id), { ...metricQueryParams(q), format }),
  drill: (id: string, q: MetricQuery, o: DrillOptions) =>
    http.get<DrillAnswer>(`${metricPath(id)}/drill`, drillParams(q, o)),
  drillExportUrl: (id: string, q: MetricQuery, o: DrillOptions, format: ExportFormat) =>
    buildUrl(`${metricPath(id)}/drill`, {
      ...drillParams(q, o),
      page: undefined,
      pageSize: undefined,
      format,
    }),
};
