import { importsApi } from '../../api/imports-api';
import { useApi } from '../../lib/use-api';
import { addMonths, currentMonth } from '../../lib/format';
import { useAuth } from '../auth/auth-context';

/** The latest loaded bill month (bills freshness), so the page opens on a month with data. */
export function useDefaultBillMonth(): string {
  const { can } = useAuth();
  const fresh = useApi(() => importsApi.freshness(), 'coll-freshness', can('import:read'));
  const bills = fresh.data?.datasets.find((d) => d.dataset === 'bills');
  return bills?.lastLoaded?.slice(0, 7) ?? addMonths(currentMonth(), -1);
}

/** The last date with loaded daily data (payments), the "as of" the demo city and imports reach. */
export function useDataDate(fallback: string): string {
  const { can } = useAuth();
  const fresh = useApi(() => importsApi.freshness(), 'coll-freshness', can('import:read'));
  const payments = fresh.data?.datasets.find((d) => d.dataset === 'payments');
  return payments?.lastLoaded ?? fallback;
}
