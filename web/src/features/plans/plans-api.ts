import { http } from '../../api/http';

/** The plans API (money in fen; rates {value, numerator, denominator}). */
export type PlanMetric = 'revenue' | 'new_installs' | 'net_adds';
export const PLAN_METRICS: PlanMetric[] = ['revenue', 'new_installs', 'net_adds'];
export type Rate = { value: number | null; numerator: number; denominator: number };
export type Weights =
  | { method: 'manual'; values: Record<string, string> }
  | { method: 'last_year' }
  | { method: 'households' }
  | { method: 'blend'; parts: { last_year?: string; households?: string } };
export type Distribution = { kind: 'equal' } | { kind: 'last_year' } | { kind: 'custom'; percents: string[] };

export type PlanVersion = {
  plan_id: number;
  year: number;
  metric: PlanMetric;
  product: string | null;
  version: number;
  status: 'draft' | 'published';
  annual: number;
  revision_mode: 'all' | 'remaining';
  from_month: number;
  based_on: number | null;
  created_by: string;
  created_at: string;
  published_by: string | null;
  published_at: string | null;
};
export type CountyValues = { county: string; annual: number; months: number[]; quarters: number[] };
export type PlanDetail = PlanVersion & { counties: CountyValues[] };
export type PreviewAnswer = {
  methods: (
    | { weights: Weights; ok: true; counties: CountyValues[] }
    | { weights: Weights; ok: false; error: { message_zh: string; message_en: string } }
  )[];
};
export type ProgressRow = {
  county: string;
  annual: number;
  plan_to_date: number;
  actual_ytd: number;
  gap_to_schedule: number;
  completion_rate: Rate;
  time_progress: Rate;
  schedule_attainment: Rate;
  rank: number;
  light: 'green' | 'amber' | 'red' | null;
};
export type ProgressAnswer = {
  year: number;
  metric: PlanMetric;
  at: string;
  date_used: string;
  product: string | null;
  plan: { plan_id: number; version: number; status: string };
  /** traffic-light thresholds on schedule attainment, as decimal strings ("1", "0.95") */
  thresholds: { green: string; amber: string };
  rows: ProgressRow[];
  monthly: { county: string; plan: number[]; actual: (number | null)[] }[];
  cumulative: { plan: number[]; actual: (number | null)[] };
};
export type ForecastRow = {
  county: string;
  annual: number;
  actual_ytd: number;
  by_attainment: number | null;
  by_run_rate: number | null;
  gap_by_attainment: number | null;
  gap_by_run_rate: number | null;
  remaining_months: number;
  needed_monthly: number | null;
};
export type ProvinceRank = {
  year: number;
  month: number;
  metric: string;
  rank: number;
  of_total: number | null;
  note: string | null;
  entered_by: string;
  entered_at: string;
};
export type ReviewAction = {
  action_id: number;
  action: string;
  owner: string;
  due_date: string;
  status: 'open' | 'done' | 'dropped';
  follow_up: string;
};
export type Review = {
  review_id: number;
  county_code: string;
  metric: PlanMetric;
  month: number;
  reason_category: string;
  reason_text: string;
  actions: ReviewAction[];
};
export type ReviewAnswer = {
  items: Review[];
  follow_up: (ReviewAction & { county_code: string; review_month: number })[];
};

/** Two versions side by side (GET /api/plans/compare): diff = b − a, per county and month. */
type CompareSide = Pick<
  PlanVersion,
  'plan_id' | 'year' | 'metric' | 'product' | 'version' | 'status' | 'annual'
>;
export type CompareAnswer = {
  a: CompareSide;
  b: CompareSide;
  counties: {
    county: string;
    a: number;
    b: number;
    diff: number;
    months: { a: number; b: number; diff: number }[];
  }[];
};
/** One rejected cell of an uploaded target template (row = Excel row, null for the whole file). */
export type TemplateError = {
  row: number | null;
  column: string | null;
  value: string | null;
  message_zh: string;
  message_en: string;
};
/** The product line of a plan in a query: '' / 'all' = all product lines. */
export type ProductParam = string;

export type PlanInput = {
  year: number;
  metric: PlanMetric;
  product: string | null;
  annual: number;
  distribution: Distribution;
};

export const plansApi = {
  list: (year: number, metric?: PlanMetric) => http.get<PlanVersion[]>('/api/plans', { year, metric }),
  detail: (id: number) => http.get<PlanDetail>(`/api/plans/${id}`),
  /** the latest published version of a plan key (404 when none is published) */
  currentPublished: (year: number, metric: PlanMetric, product?: ProductParam) =>
    http.get<PlanDetail>('/api/plans/current', { year, metric, product, published: 'true' }),
  compare: (a: number, b: number) => http.get<CompareAnswer>('/api/plans/compare', { a, b }),
  upload: (file: File, publish: boolean) => {
    const body = new FormData();
    body.append('file', file);
    return http.post<PlanDetail[]>(`/api/plans/upload?publish=${publish ? 'true' : 'false'}`, body);
  },
  preview: (input: PlanInput, methods: Weights[]) =>
    http.post<PreviewAnswer>('/api/plans/preview', { ...input, methods }),
  create: (input: PlanInput & { weights: Weights; publish?: boolean }) =>
    http.post<PlanDetail>('/api/plans', input),
  publish: (id: number) => http.post<PlanDetail>(`/api/plans/${id}/publish`),
  revise: (
    id: number,
    body: {
      annual: number;
      weights: Weights;
      distribution: Distribution;
      mode: 'all' | 'remaining';
      from_month?: number;
    },
  ) => http.post<PlanDetail>(`/api/plans/${id}/revise`, body),
  progress: (q: { year: number; metric: PlanMetric; at: string; product?: ProductParam }) =>
    http.get<ProgressAnswer>('/api/plans/progress', q),
  forecast: (q: { year: number; metric: PlanMetric; at: string; product?: ProductParam }) =>
    http.get<{ rows: ForecastRow[]; date_used: string }>('/api/plans/forecast', q),
  ranks: (year: number) => http.get<ProvinceRank[]>('/api/plans/province-rank', { year }),
  setRank: (body: {
    year: number;
    month: number;
    metric: string;
    rank: number;
    of_total?: number | null;
    note?: string | null;
  }) => http.post<ProvinceRank>('/api/plans/province-rank', body),
  reviews: (q: { year: number; month: number }) => http.get<ReviewAnswer>('/api/plans/reviews', q),
  categories: () =>
    http.get<{ id: string; label_zh: string; label_en: string }[]>('/api/plans/reviews/categories'),
  addReview: (body: {
    year: number;
    month: number;
    metric: PlanMetric;
    county: string;
    reason_category: string;
    reason_text: string;
    actions: { action: string; owner: string; due_date: string }[];
  }) => http.post<{ review_id: number }>('/api/plans/reviews', body),
  updateAction: (id: number, body: { status?: string; follow_up?: string }) =>
    http.patch<ReviewAction>(`/api/plans/reviews/actions/${id}`, body),
};
