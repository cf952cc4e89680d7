import type { MetricQuery } from '../../api/metrics-api';
import { addMonths, monthEnd, monthStart } from '../../lib/format';

/** The KPI cards of the dashboard, in display order, and how each one's time parameter follows the month. */
export type KpiSpec = { id: string; target?: number; query: (month: string) => MetricQuery };

/** A point-in-time figure for a month is taken at its last day, or today while the month is running. */
export function pointDate(month: string, today = new Date()): string {
  const end = monthEnd(month);
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return iso < end ? iso : end;
}

const period = (month: string): MetricQuery => ({ from: monthStart(month), to: monthEnd(month) });
const point = (month: string): MetricQuery => ({ at: pointDate(month) });
const billMonth = (month: string): MetricQuery => ({ month });

export const COLLECTION_TARGET = 0.98;

export const KPIS: KpiSpec[] = [
  { id: 'revenue', query: period },
  { id: 'new_installs', query: period },
  { id: 'net_adds', query: period },
  { id: 'active_subscribers', query: point },
  { id: 'current_collection_rate', query: billMonth, target: COLLECTION_TARGET },
  { id: 'long_term_arrears', query: point },
  { id: 'churn_rate', query: period },
  { id: 'single_stop_users', query: point },
  { id: 'dual_stop_users', query: point },
  { id: 'zero_fee_users', query: billMonth },
  { id: 'cash_gap', query: period },
];

/** The twelve months ending with `month`, oldest first. */
export const last12Months = (month: string): string[] =>
  Array.from({ length: 12 }, (_, i) => addMonths(month, i - 11));

export const trendPeriod = (month: string): MetricQuery => ({
  from: monthStart(addMonths(month, -11)),
  to: monthEnd(month),
  by: ['month'],
});
