import { sql } from 'kysely';
import { infoOf as info } from './catalog.js';
import { col, d } from './common.js';
import type { MetricDef } from './types.js';

type CashId = 'cash_expected' | 'cash_banked' | 'cash_gap' | 'cash_gap_days';

const NUM: Record<CashId, string> = {
  cash_expected: 'x.expected',
  cash_banked: 'x.banked',
  cash_gap: 'x.expected - x.banked',
  cash_gap_days: 'case when x.expected <> x.banked then 1 else 0 end',
};

/**
 * Records are outlet-days: cash payments − cash refunds taken at the outlet that day, against what it
 * banked for that business day. A payment or refund without an outlet belongs to no outlet-day. The
 * county is the outlet's.
 */
const cash = (id: CashId): MetricDef => ({
  info: info(id),
  dims: ['county', 'outlet', 'month'],
  columns: [
    col('county', '县区', 'County'),
    col('outlet', '网点', 'Outlet'),
    col('day', '营业日期', 'Business day', 'date'),
    col('paid', '现金缴费', 'Cash payments', 'money'),
    col('refunded', '现金退费', 'Cash refunds', 'money'),
    col('expected', '应解款', 'Expected', 'money'),
    col('banked', '实解款', 'Banked', 'money'),
    col('gap', '差额', 'Gap', 'money'),
  ],
  records: (q) => sql`
    select o.county_code as county, x.outlet_code as outlet, to_char(x.day, 'YYYY-MM') as month, x.day,
      x.paid, x.refunded, x.expected, x.banked, x.expected - x.banked as gap,
      ${sql.raw(NUM[id])} as num, 0 as den
    from (
      select outlet_code, day, sum(paid)::bigint as paid, sum(refunded)::bigint as refunded,
        sum(paid - refunded)::bigint as expected, sum(banked)::bigint as banked
      from (
        select outlet_code, paid_day as day, amount as paid, 0::bigint as refunded, 0::bigint as banked
        from payments where channel = 'cash' and outlet_code is not null and paid_day between ${d(q.from)} and ${d(q.to)}
        union all
        select outlet_code, refunded_day, 0, amount, 0
        from refunds where channel = 'cash' and outlet_code is not null and refunded_day between ${d(q.from)} and ${d(q.to)}
        union all
        select outlet_code, business_date, 0, 0, amount
        from cash_deposits where business_date between ${d(q.from)} and ${d(q.to)}
      ) u group by outlet_code, day
    ) x join outlets o on o.outlet_code = x.outlet_code
    ${id === 'cash_gap_days' ? sql`where x.expected <> x.banked` : sql``}`,
});

export const cashMetrics: MetricDef[] = [
  cash('cash_expected'),
  cash('cash_banked'),
  cash('cash_gap'),
  cash('cash_gap_days'),
];
