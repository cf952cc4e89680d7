import { sql, type RawBuilder } from 'kysely';
import { addMonths, firstDay, monthOf } from '../core/dates.js';
import { infoOf as info } from './catalog.js';
import { SUBSCRIBER_COLUMNS, SUB_COLS, col, d } from './common.js';
import type { MetricDef, ScopedQuery } from './types.js';

const LINE_COLUMNS = [
  col('bill', '账单金额', 'Bill', 'money'),
  col('adjusted', '调帐', 'Adjustments', 'money'),
  col('due', '应收', 'Due', 'money'),
  col('paid', '缴费', 'Paid', 'money'),
];

/**
 * due/paid per subscriber × bill month in [lo, hi] at cutoff t: bill + adjustments made on or before t
 * (floored at 0), payments for that bill month paid on or before t (prepayments have no bill month
 * and never count).
 */
function dueAndPaid(lo: string, hi: string, t: string): RawBuilder<unknown> {
  return sql`
    with dm as (
      select subscriber_id, bill_month, sum(bill)::bigint as bill, sum(adj)::bigint as adj from (
        select subscriber_id, bill_month, amount as bill, 0::bigint as adj from bills where bill_month between ${d(lo)} and ${d(hi)}
        union all
        select subscriber_id, bill_month, 0, amount from adjustments
        where bill_month between ${d(lo)} and ${d(hi)} and adjusted_day <= ${d(t)}
      ) x group by subscriber_id, bill_month
    ),
    pm as (
      select subscriber_id, bill_month, sum(amount)::bigint as paid from payments
      where bill_month between ${d(lo)} and ${d(hi)} and paid_day <= ${d(t)}
      group by subscriber_id, bill_month
    )
    select s.county_code as county, s.product_code as product, to_char(dm.bill_month, 'YYYY-MM') as month, ${SUB_COLS},
      dm.bill, dm.adj as adjusted, greatest(dm.bill + dm.adj, 0) as due, coalesce(pm.paid, 0) as paid,
      least(coalesce(pm.paid, 0), greatest(dm.bill + dm.adj, 0)) as collected,
      greatest(greatest(dm.bill + dm.adj, 0) - coalesce(pm.paid, 0), 0) as owed
    from dm join subscribers s on s.subscriber_id = dm.subscriber_id
    left join pm on pm.subscriber_id = dm.subscriber_id and pm.bill_month = dm.bill_month`;
}

const billMonth = (id: 'receivable' | 'current_collected' | 'current_collection_rate'): MetricDef => ({
  info: info(id),
  dims: ['county', 'product'],
  columns: [...SUBSCRIBER_COLUMNS, ...LINE_COLUMNS, col('collected', '实收', 'Collected', 'money')],
  records: (q) => {
    const nd =
      id === 'receivable'
        ? sql`due as num, 0 as den`
        : id === 'current_collected'
          ? sql`collected as num, 0 as den`
          : sql`collected as num, due as den`;
    return sql`select z.*, ${nd} from (${dueAndPaid(q.month, q.month, q.at)}) z`;
  },
});

/** Bill-month range of an arrears figure at t: long-term = EOM(m+3) < t ⇔ m ≤ month(t) − 4. */
export function arrearsRange(id: string, at: string): [string, string] {
  const mt = monthOf(at);
  if (id === 'arrears_aging') return ['1900-01-01', firstDay(addMonths(mt, -1))];
  const hi = firstDay(addMonths(mt, -4));
  return id === 'new_long_term_arrears' ? [`${at.slice(0, 4)}-01-01`, hi] : ['1900-01-01', hi];
}

const arrears = (id: 'long_term_arrears' | 'arrears_aging' | 'new_long_term_arrears'): MetricDef => ({
  info: info(id),
  dims: ['county', 'product', 'month'],
  columns: [
    ...SUBSCRIBER_COLUMNS,
    col('month', '账期', 'Bill month'),
    ...LINE_COLUMNS,
    col('owed', '欠费', 'Owed', 'money'),
  ],
  records: (q: ScopedQuery) => {
    const [lo, hi] = arrearsRange(id, q.at);
    return sql`select z.*, owed as num, 0 as den from (${dueAndPaid(lo, hi, q.at)}) z where owed > 0`;
  },
});

export const collectionsMetrics: MetricDef[] = [
  billMonth('receivable'),
  billMonth('current_collected'),
  billMonth('current_collection_rate'),
  arrears('long_term_arrears'),
  arrears('arrears_aging'),
  arrears('new_long_term_arrears'),
  {
    info: info('adjustment_total'),
    dims: ['county', 'product', 'month'],
    columns: [
      ...SUBSCRIBER_COLUMNS,
      col('month', '月份', 'Month'),
      col('adjustment_id', '调帐流水号', 'Adjustment'),
      col('bill_month', '账期', 'Bill month', 'date'),
      col('adjusted_at', '调帐时间', 'Adjusted at', 'date'),
      col('amount', '调帐金额', 'Amount', 'money'),
      col('reason', '原因', 'Reason'),
      col('approver_id', '审批人', 'Approver'),
    ],
    records: (q) => sql`
      select s.county_code as county, s.product_code as product, to_char(a.adjusted_day, 'YYYY-MM') as month,
        -a.amount as num, 0 as den, ${SUB_COLS}, a.adjustment_id, a.bill_month, a.adjusted_at::text as adjusted_at,
        a.amount, a.reason, a.approver_id
      from adjustments a join subscribers s on s.subscriber_id = a.subscriber_id
      where a.amount < 0 and a.adjusted_day between ${d(q.from)} and ${d(q.to)}`,
  },
];
