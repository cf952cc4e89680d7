import { formatCount, formatMoney } from '../../lib/format';
import type { PlanMetric } from './plans-api';

/** Revenue figures arrive in fen (¥1,234.50); counts as whole units. */
export const formatPlanValue = (metric: PlanMetric, v: number | null | undefined): string =>
  metric === 'revenue' ? formatMoney(v) : formatCount(v);

export const todayIso = (): string => {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};
