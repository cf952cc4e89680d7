import { buildUrl, http, type ErrorBody } from '../../api/http';
import { ApiError } from '../../api/http';

/** The collections and follow-up API (src/modules/collections, src/modules/followup). Money in fen. */
export type Rate = { value: number | null; numerator: number; denominator: number };

export type CountyCollection = {
  county_code: string | null;
  receivable: number;
  collected: number;
  rate: Rate;
  below_target: boolean;
};
export type Overview = {
  month: string;
  cutoff: string;
  provisional: boolean;
  target_bp: number;
  counties: CountyCollection[];
  city: CountyCollection | null;
};
export type CurvePoint = { day: number; date: string; rate: Rate | null };
export type CurveSeries = { key: 'this' | 'previous' | 'last_year'; month: string; points: CurvePoint[] };
export type Debtor = {
  subscriber_id: string;
  county_code: string;
  customer_name: string | null;
  phone: string | null;
  owed: number;
  months: number;
  oldest_month: string;
};
export type CleanupProgress = {
  county_code: string | null;
  year: number;
  baseline_date: string;
  baseline: number;
  current: number;
  cleared: number;
  target: number;
  progress: Rate;
};
export type ArrearsOverview = {
  at: string;
  counties: {
    county_code: string;
    long_term: number;
    new_long_term: number;
    buckets: Record<string, number>;
  }[];
  trend: { month: string; county_code: string; long_term: number }[];
  debtors: Debtor[];
  cleanup: CleanupProgress[];
};
export type LimitLevel = 'none' | 'ok' | 'warning' | 'over';
export type LimitCell = {
  month: string;
  county_code: string | null;
  total: number;
  limit: number | null;
  usage: Rate | null;
  level: LimitLevel;
};
export type AdjustmentRow = {
  adjustment_id: string;
  subscriber_id: string;
  customer_name: string | null;
  county_code: string;
  bill_month: string;
  adjusted_day: string;
  amount: number;
  reason: string | null;
  approver_id: string | null;
};
export type LadderState = 'new' | 'normal' | 'single_stop' | 'dual_stop' | 'disconnected';
export type LadderFlow = {
  month: string;
  county_code: string;
  from: LadderState;
  to: LadderState;
  count: number;
};
export type LadderCount = { month: string; county_code: string; state: LadderState; count: number };
export type StateDuration = {
  county_code: string;
  state: 'single_stop' | 'dual_stop';
  ended: number;
  avg_days: number | null;
  current: number;
};
export type LongDualStop = {
  subscriber_id: string;
  county_code: string;
  customer_name: string | null;
  entered: string;
  days: number;
};
export type CollectionsSettings = {
  target_rate_bp: number;
  arrears_threshold_fen: number;
  zero_fee_months: number;
  contract_days: number;
  dual_stop_days: number;
  followup_cron: string;
};

export const REASONS = ['single_stop', 'dual_stop', 'zero_fee', 'contract_ending', 'arrears'] as const;
export type Reason = (typeof REASONS)[number];
export const OUTCOMES = [
  'contacted',
  'promised',
  'paid',
  'renewed',
  'disconnected',
  'unreachable',
  'wrong_data',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type FollowupItem = {
  item_id: number;
  list_date: string;
  subscriber_id: string;
  county_code: string;
  reason: Reason;
  figures: Record<string, unknown>;
  assignee: string | null;
  status: 'open' | 'closed';
  outcome: Outcome | null;
  note: string | null;
  outcome_at: string | null;
  outcome_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  customer_name: string | null;
  phone: string | null;
  account_id: string;
  product_code: string;
  auto_close_text: { zh: string; en: string } | null;
};
export type GenerateResult = {
  date: string;
  counties: { county_code: string; candidates: number; created: number }[];
};
export type FollowupStat = {
  county_code: string;
  assignee: string | null;
  total: number;
  closed: number;
  open: number;
  auto_closed: number;
  success: number;
  completion: Rate;
  success_rate: Rate;
};
export type RowError = {
  row: number | null;
  column: string | null;
  value: string | null;
  message_zh: string;
  message_en: string;
};
export type ImportReport = {
  status: 'imported' | 'partial' | 'rejected';
  rows: number;
  applied: number;
  unchanged: number;
  blank: number;
  errors: RowError[];
};
export type BulletinSummary = {
  bulletin_id: number;
  period_kind: 'week' | 'month';
  period_key: string;
  period_from: string;
  period_to: string;
  generated_at: string;
  generated_by: string;
};
export type BulletinRow = {
  county_code: string;
  county_name: string;
  receivable: number;
  collected: number;
  rate: Rate;
  below_target: boolean;
  rank: number;
  previous_rate: Rate;
  change_bp: number | null;
  long_term: number;
  long_term_previous: number;
  adjustments: number;
  adjustment_limit: number | null;
  adjustment_level: LimitLevel;
  followup_total: number;
  followup_closed: number;
  followup_completion: Rate;
};
export type Bulletin = {
  bulletin_id: number;
  period: { kind: 'week' | 'month'; key: string; from: string; to: string };
  bill_month: string;
  cutoff: string;
  target_bp: number;
  comparison?: {
    current: { bill_month: string; cutoff: string };
    previous: { bill_month: string; cutoff: string };
    rule: 'same_bill_month' | 'previous_bill_month';
  };
  rows: BulletinRow[];
};

type County = { county?: string | undefined };

/** The import posts multipart; a rejected file comes back as 400 with the report in details. */
async function importOutcomes(file: File, partial: boolean): Promise<ImportReport> {
  const form = new FormData();
  form.append('partial', partial ? 'true' : 'false');
  form.append('file', file);
  try {
    return await http.post<ImportReport>('/api/followups/import', form);
  } catch (err) {
    const report = (err as ApiError).details as { report?: ImportReport } | undefined;
    if (err instanceof ApiError && report?.report) throw new ImportRejected(err, report.report);
    throw err;
  }
}

export class ImportRejected extends ApiError {
  readonly report: ImportReport;
  constructor(err: ApiError, report: ImportReport) {
    const body: ErrorBody = {
      error: err.code,
      message: err.message,
      message_zh: err.messageZh,
      message_en: err.messageEn,
      details: err.details,
    };
    super(err.status, body);
    this.report = report;
  }
}

export const collectionsApi = {
  overview: (q: { month: string; cutoff?: string } & County) =>
    http.get<Overview>('/api/collections/overview', q),
  curve: (q: { month: string } & County) =>
    http.get<{ series: CurveSeries[]; target_bp: number }>('/api/collections/curve', q),
  owing: (q: { month?: string; cutoff?: string; limit?: number } & County) =>
    http.get<{ rows: Debtor[] }>('/api/collections/owing', q),
  arrears: (q: { at?: string } & County) => http.get<ArrearsOverview>('/api/collections/arrears', q),
  setArrearsTarget: (body: { year: number; county: string | null; baseline_date: string; amount: number }) =>
    http.put<{ ok: true }>('/api/collections/arrears/targets', body),
  limits: (q: { from: string; to: string } & County) =>
    http.get<{ months: string[]; cells: LimitCell[]; alerts: LimitCell[] }>('/api/collections/limits', q),
  setLimits: (body: { months: string[]; county: string | null; amount: number }) =>
    http.put<{ ok: true }>('/api/collections/limits', body),
  adjustments: (q: { month: string } & County) =>
    http.get<{ rows: AdjustmentRow[] }>('/api/collections/adjustments', q),
  ladder: (q: { from: string; to: string } & County) =>
    http.get<{ flows: LadderFlow[]; counts: LadderCount[] }>('/api/collections/ladder', q),
  durations: (q: { at?: string } & County) =>
    http.get<{ at: string; durations: StateDuration[] }>('/api/collections/ladder/durations', q),
  longDualStops: (q: { at?: string; days?: number } & County) =>
    http.get<{ at: string; days: number; rows: LongDualStop[] }>(
      '/api/collections/ladder/long-dual-stops',
      q,
    ),
  settings: () => http.get<CollectionsSettings>('/api/collections/settings'),
  saveSettings: (body: Partial<CollectionsSettings>) =>
    http.put<CollectionsSettings>('/api/collections/settings', body),
  bulletins: () => http.get<{ bulletins: BulletinSummary[] }>('/api/collections/bulletins'),
  generateBulletin: (kind: 'week' | 'month', period: string) =>
    http.post<{ bulletin_id: number }>('/api/collections/bulletins', { kind, period }),
  bulletin: (id: number) => http.get<Bulletin>(`/api/collections/bulletins/${id}`),
  bulletinXlsxUrl: (id: number) => `/api/collections/bulletins/${id}/xlsx`,
  bulletinHtmlUrl: (id: number) => `/api/collections/bulletins/${id}/html`,
};

export const followupApi = {
  list: (q: { date?: string; assignee?: string; status?: 'open' | 'closed'; reason?: Reason } & County) =>
    http.get<{ date: string; items: FollowupItem[] }>('/api/followups', q),
  generate: (body: { date: string; county?: string }) =>
    http.post<GenerateResult>('/api/followups/generate', body),
  outcome: (id: number, body: { outcome: Outcome; note: string | null }) =>
    http.post<{ ok: true }>(`/api/followups/${id}/outcome`, body),
  assignees: (county: string) => http.get<{ users: string[] }>('/api/followups/assignees', { county }),
  assign: (id: number, assignee: string) =>
    http.post<{ ok: true }>(`/api/followups/${id}/assign`, { assignee }),
  exportUrl: (county: string, date: string) => buildUrl('/api/followups/export', { county, date }),
  importOutcomes,
  stats: (q: { from: string; to: string } & County) =>
    http.get<{ counties: FollowupStat[]; assignees: FollowupStat[] }>('/api/followups/stats', q),
};
