import { sql } from 'kysely';
import { infoOf as info } from './catalog.js';
import { SUBSCRIBER_COLUMNS, SUB_COLS, active, col, d } from './common.js';
import type { MetricDef } from './types.js';

const ORDER_COLUMNS = [
  ...SUBSCRIBER_COLUMNS,
  col('month', '月份', 'Month'),
  col('order_id', '工单号', 'Order'),
  col('order_type', '工单类型', 'Order type'),
  col('order_date', '完工时间', 'Completed at', 'date'),
];

/** Orders of the period counted by the subscriber master's county and product. */
const orderMetric = (id: 'new_installs' | 'disconnections' | 'net_adds'): MetricDef => ({
  info: info(id),
  dims: ['county', 'product', 'month'],
  columns: ORDER_COLUMNS,
  records: (q) => {
    const types =
      id === 'new_installs'
        ? ['new_install']
        : id === 'disconnections'
          ? ['disconnect']
          : ['new_install', 'disconnect'];
    return sql`
      select s.county_code as county, s.product_code as product, to_char(o.order_day, 'YYYY-MM') as month,
        case when o.order_type = 'disconnect' then ${sql.raw(id === 'net_adds' ? '-1' : '1')} else 1 end as num, 0 as den,
        ${SUB_COLS}, o.order_id, o.order_type, o.order_date::text as order_date
      from orders o join subscribers s on s.subscriber_id = o.subscriber_id
      where o.order_type in (${sql.join(types)}) and o.order_day between ${d(q.from)} and ${d(q.to)}`;
  },
});

export const developmentMetrics: MetricDef[] = [
  orderMetric('new_installs'),
  orderMetric('disconnections'),
  orderMetric('net_adds'),
  {
    info: info('active_subscribers'),
    dims: ['county', 'product'],
    columns: [
      ...SUBSCRIBER_COLUMNS,
      col('install_date', '装机日期', 'Installed', 'date'),
      col('disconnect_date', '拆机日期', 'Disconnected', 'date'),
      col('status', '状态', 'Status'),
    ],
    records: (q) => sql`
      select s.county_code as county, s.product_code as product, 1 as num, 0 as den,
        ${SUB_COLS}, s.install_date, s.disconnect_date, s.status
      from subscribers s where ${active(d(q.at))}`,
  },
  {
    // bills of the months in [from, to] plus adjustments of those bill months made on or before `to`;
    // every month row uses the same adjustment cutoff, so the month rows add up to the total
    info: info('revenue'),
    dims: ['county', 'product', 'month'],
    columns: [
      ...SUBSCRIBER_COLUMNS,
      col('month', '账期', 'Bill month'),
      col('line_type', '类型', 'Line'),
      col('line_id', '流水号', 'Reference'),
      col('line_at', '调帐时间', 'Adjusted at', 'date'),
      col('amount', '金额', 'Amount', 'money'),
    ],
    records: (q) => sql`
      select s.county_code as county, s.product_code as product, to_char(x.bill_month, 'YYYY-MM') as month,
        x.amount as num, 0 as den, ${SUB_COLS}, x.line_type, x.line_id, x.line_at, x.amount
      from (
        select subscriber_id, bill_month, amount, 'bill' as line_type, null::text as line_id, null::text as line_at
        from bills where bill_month between ${d(q.from)} and ${d(q.to)}
        union all
        select subscriber_id, bill_month, amount, 'adjustment', adjustment_id, adjusted_at::text
        from adjustments where bill_month between ${d(q.from)} and ${d(q.to)} and adjusted_day <= ${d(q.to)}
      ) x join subscribers s on s.subscriber_id = x.subscriber_id`,
  },
];
