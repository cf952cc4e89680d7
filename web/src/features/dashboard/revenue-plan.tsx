import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/http';
import { plansApi, type PlanDetail } from '../plans/plans-api';
import { useAuth } from '../auth/auth-context';
import { useApi } from '../../lib/use-api';
import { formatMoney, formatRate } from '../../lib/format';

/** The published all-products revenue plan of the year, or null when none is published. */
async function publishedRevenuePlan(year: number): Promise<PlanDetail | null> {
  try {
    return await plansApi.currentPublished(year, 'revenue');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/**
 * The plan value (fen) of one month from the published revenue plan: the county's month value, or
 * the sum over the counties the user sees. Undefined while loading or when no plan is published.
 */
export function useRevenuePlan(month: string | undefined, county: string | undefined): number | undefined {
  const { can } = useAuth();
  const year = Number((month ?? '').slice(0, 4));
  const plan = useApi(
    () => publishedRevenuePlan(year),
    `revenue-plan-${year}`,
    month !== undefined && can('plans:read'),
  );
  const d = plan.data;
  if (!d || month === undefined) return undefined;
  const k = Number(month.slice(5, 7)) - 1;
  const rows = county ? d.counties.filter((c) => c.county === county) : d.counties;
  if (rows.length === 0) return undefined;
  return rows.reduce((sum, c) => sum + (c.months[k] ?? 0), 0);
}

/** "计划 ¥x · 完成 y%": the month's revenue against the month's plan value. */
export function RevenuePlanLine({ plan, actual }: { plan: number; actual: number | null }) {
  const { t } = useTranslation();
  // no rate when the month's plan is zero (nothing to complete against)
  const rate = actual !== null && plan > 0 ? actual / plan : null;
  return (
    <Typography.Text
      type="secondary"
      style={{ fontSize: 12, color: rate !== null && rate < 1 ? '#cf1322' : undefined }}
      data-testid="kpi-revenue-plan"
    >
      {t('dashboard.revenuePlan', { plan: formatMoney(plan), rate: rate === null ? '—' : formatRate(rate) })}
    </Typography.Text>
  );
}
