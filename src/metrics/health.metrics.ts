import { sql } from 'kysely';
import { addMonths, endOfMonth, firstDay, monthOf } from '../core/dates.js';
import { infoOf as info } from './catalog.js';
import { SUBSCRIBER_COLUMNS, SUB_COLS, active, col, d } from './common.js';
import type { MetricDef, ScopedQuery } from './types.js';

/**
 * The periods a churn figure is computed over: the whole [from, to], or — cut by month — each
 * calendar month clipped to [from, to], each with its own A (active the day before it starts).
 */
const periods = (q: ScopedQuery) =>
  q.by.includes('month')
    ? sql`select to_char(g.m, 'YYYY-MM') as pkey, greatest(g.m::date, ${d(q.from)}) as pfrom,
          least((g.m + interval '1 month' - interval '1 day')::date, ${d(q.to)}) as pto
        from generate_series(date_trunc('month', ${q.from}::timestamp), ${q.to}::timestamp, interval '1 month') as g(m)`
    : sql`select null::text as pkey, ${d(q.from)} as pfrom, ${d(q.to)} as pto`;

const churn = (id: 'churn_rate' | 'churned'): MetricDef => ({
  info: info(id),
  dims: ['county', 'product', 'month'],
  columns: [
    ...SUBSCRIBER_COLUMNS,
    col('month', '月份', 'Month'),
    col('install_date', '装机日期', 'Installed', 'date'),
    col('disconnect_date', '拆机日期', 'Disconnected', 'date'),
  ],
  records: (q) => sql`
    select s.county_code as county, s.product_code as product, p.pkey as month,
      case when s.disconnect_date between p.pfrom and p.pto then 1 else 0 end as num,
      ${sql.raw(id === 'churn_rate' ? '1' : '0')} as den,
      ${SUB_COLS}, s.install_date, s.disconnect_date
    from (${periods(q)}) p
    join subscribers s on s.install_date <= p.pfrom - 1 and (s.disconnect_date is null or s.disconnect_date >= p.pfrom)
    ${id === 'churned' ? sql`where s.disconnect_date between p.pfrom and p.pto` : sql``}`,
});

const renewal = (id: 'renewal_rate' | 'renewals_due' | 'renewed'): MetricDef => ({
  info: info(id),
  dims: ['county', 'product', 'month'],
  columns: [
    ...SUBSCRIBER_COLUMNS,
    col('month', '到期月份', 'Month'),
    col('contract_id', '合约编号', 'Contract'),
    col('start_date', '生效日期', 'Start', 'date'),
    col('end_date', '到期日期', 'End', 'date'),
    col('next_contract_id', '续约合约', 'Renewal contract'),
    col('next_start_date', '续约生效日期', 'Renewal start', 'date'),
  ],
  records: (q) => {
    const nd =
      id === 'renewal_rate'
        ? sql`case when nx.contract_id is null then 0 else 1 end as num, 1 as den`
        : id === 'renewed'
          ? sql`1 as num, 0 as den`
          : sql`1 as num, 0 as den`;
    return sql`
      select s.county_code as county, s.product_code as product, to_char(c.end_date, 'YYYY-MM') as month, ${nd},
        ${SUB_COLS}, c.contract_id, c.start_date, c.end_date, nx.contract_id as next_contract_id, nx.start_date as next_start_date
      from contracts c join subscribers s on s.subscriber_id = c.subscriber_id
      left join lateral (
        select c2.contract_id, c2.start_date from contracts c2
        where c2.subscriber_id = c.subscriber_id and c2.start_date > c.start_date and c2.start_date <= c.end_date + 30
        order by c2.start_date, c2.contract_id limit 1
      ) nx on true
      where c.end_date between ${d(q.from)} and ${d(q.to)} and ${active(sql`c.end_date`)}
      ${id === 'renewed' ? sql`and nx.contract_id is not null` : sql``}`;
  },
});

/** Latest single_stop / dual_stop / resume order up to d, by (order_date, order_id). */
const stops = (id: 'single_stop_users' | 'dual_stop_users'): MetricDef => ({
  info: info(id),
  dims: ['county', 'product'],
  columns: [
    ...SUBSCRIBER_COLUMNS,
    col('order_id', '最近停复机工单', 'Latest stop order'),
    col('order_date', '完工时间', 'Completed at', 'date'),
  ],
  records: (q) => sql`
    select s.county_code as county, s.product_code as product, 1 as num, 0 as den, ${SUB_COLS},
      lo.order_id, lo.order_date::text as order_date
    from (
      select distinct on (o.subscriber_id) o.subscriber_id, o.order_type, o.order_id, o.order_date
      from orders o
      where o.order_type in ('single_stop', 'dual_stop', 'resume') and o.order_day <= ${d(q.at)}
      order by o.subscriber_id, o.order_date desc, o.order_id desc
    ) lo join subscribers s on s.subscriber_id = lo.subscriber_id
    where lo.order_type = ${id === 'single_stop_users' ? 'single_stop' : 'dual_stop'} and ${active(d(q.at))}`,
});

/** Zero-fee users at month m (first day): installed before m−(N−1), active at EOM(m), no bill > 0 in the window. */
const zeroFeeAt = (m: string, n: number) => {
  const w0 = firstDay(addMonths(monthOf(m), -(n - 1)));
  const eom = endOfMonth(monthOf(m));
  return sql`s.install_date < ${d(w0)} and (s.disconnect_date is null or s.disconnect_date > ${d(eom)})
    and not exists (select 1 from bills b where b.subscriber_id = s.subscriber_id
      and b.bill_month between ${d(w0)} and ${d(m)} and b.amount > 0)`;
};

export const healthMetrics: MetricDef[] = [
  churn('churn_rate'),
  churn('churned'),
  renewal('renewal_rate'),
  renewal('renewals_due'),
  renewal('renewed'),
  stops('single_stop_users'),
  stops('dual_stop_users'),
  {
    info: info('zero_fee_users'),
    dims: ['county', 'product'],
    columns: [...SUBSCRIBER_COLUMNS, col('install_date', '装机日期', 'Installed', 'date')],
    records: (q) => sql`
      select s.county_code as county, s.product_code as product, 1 as num, 0 as den, ${SUB_COLS}, s.install_date
      from subscribers s where ${zeroFeeAt(q.month, q.n)}`,
  },
  {
    info: info('zero_fee_activated'),
    dims: ['county', 'product'],
    columns: [
      ...SUBSCRIBER_COLUMNS,
      col('install_date', '装机日期', 'Installed', 'date'),
      col('bill', '本月账单', 'Bill this month', 'money'),
    ],
    records: (q) => sql`
      select s.county_code as county, s.product_code as product, 1 as num, 0 as den, ${SUB_COLS}, s.install_date, b.amount as bill
      from subscribers s join bills b on b.subscriber_id = s.subscriber_id and b.bill_month = ${d(q.month)} and b.amount > 0
      where ${zeroFeeAt(firstDay(addMonths(monthOf(q.month), -1)), q.n)}`,
  },
];
