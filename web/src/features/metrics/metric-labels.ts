import type { TFunction } from 'i18next';
import type { Cut, MetricDef, MetricQuery, MetricRow } from '../../api/metrics-api';

/** Metric families of the spec, for grouping the picker; a metric the server adds later lands in "other". */
const FAMILY_OF: Record<string, string> = {
  new_installs: 'development',
  disconnections: 'development',
  net_adds: 'development',
  active_subscribers: 'development',
  revenue: 'development',
  receivable: 'collections',
  current_collected: 'collections',
  current_collection_rate: 'collections',
  long_term_arrears: 'collections',
  arrears_aging: 'collections',
  new_long_term_arrears: 'collections',
  adjustment_total: 'collections',
  churn_rate: 'health',
  churned: 'health',
  renewal_rate: 'health',
  renewals_due: 'health',
  renewed: 'health',
  single_stop_users: 'health',
  dual_stop_users: 'health',
  zero_fee_users: 'health',
  zero_fee_activated: 'health',
  cash_expected: 'cash',
  cash_banked: 'cash',
  cash_gap: 'cash',
  cash_gap_days: 'cash',
  terminal_recovery_rate: 'terminals',
  deposit_compliance_rate: 'terminals',
  install_terminal_mismatch: 'terminals',
  stock_on_hand: 'terminals',
  new_unit_swaps: 'terminals',
};

export const FAMILIES = ['development', 'collections', 'health', 'cash', 'terminals', 'other'] as const;

export const familyOf = (def: MetricDef): string => def.family ?? FAMILY_OF[def.id] ?? 'other';

export const CUT_ORDER: Cut[] = ['county', 'product', 'month', 'outlet', 'warehouse', 'item', 'bucket'];

type KeyLabel = (cut: Cut, code: string | null | undefined) => string;

/** The time parameter of a query in words, e.g. "2026-06-01 ~ 2026-06-30" or "2026-06". */
export function timeCaption(q: MetricQuery): string {
  if (q.from || q.to) return `${q.from ?? ''} ~ ${q.to ?? ''}`;
  if (q.at) return q.at;
  if (q.month) return q.cutoff ? `${q.month} (≤ ${q.cutoff})` : q.month;
  return '';
}

/** "城关区 (C01) · 宽带 (KD)" for a row; "全部" when the row is the whole scope. */
export function rowCaption(row: MetricRow, q: MetricQuery, keyLabel: KeyLabel, t: TFunction): string {
  const parts: string[] = [];
  for (const cut of CUT_ORDER) {
    if (!(cut in row)) continue;
    const v = row[cut];
    parts.push(cut === 'month' || cut === 'bucket' ? String(v ?? t('cuts.none')) : keyLabel(cut, v));
  }
  if (parts.length === 0) {
    parts.push(q.county ? keyLabel('county', q.county) : t('cuts.all'));
    if (q.product) parts.push(keyLabel('product', q.product));
  }
  if (!row.month) parts.push(timeCaption(q));
  return parts.filter(Boolean).join(' · ');
}

/** The group keys of a row, as the drill-down expects them. */
export function rowKeys(row: MetricRow, by: Cut[]): Partial<Record<Cut, string | null>> {
  const keys: Partial<Record<Cut, string | null>> = {};
  for (const cut of by) keys[cut] = row[cut] ?? null;
  return keys;
}
