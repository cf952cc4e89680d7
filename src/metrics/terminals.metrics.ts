import { sql, type RawBuilder } from 'kysely';
import { infoOf as info } from './catalog.js';
import { SUBSCRIBER_COLUMNS, SUB_COLS, col, d } from './common.js';
import type { MetricDef } from './types.js';
import { moveDeltaSql } from '../ingest/pipeline/stock.js';

/**
 * A recover_in move `m` that recovers the terminal of disconnect order `o`: the subscriber's, from 7
 * days before the order to 30 after (the metric's records and its aggregate's refresh).
 */
export const recoversTerminal = (m: string, o: string): RawBuilder<unknown> =>
  sql`${sql.ref(`${m}.subscriber_id`)} = ${sql.ref(`${o}.subscriber_id`)} and ${sql.ref(`${m}.move_type`)} = 'recover_in'
    and ${sql.ref(`${m}.moved_day`)} between ${sql.ref(`${o}.order_day`)} - 7 and ${sql.ref(`${o}.order_day`)} + 30`;

const MOVE_COLUMNS = [
  col('county', '县区', 'County'),
  col('product', '产品', 'Product'),
  col('warehouse', '仓库', 'Warehouse'),
  col('item', '物料', 'Item'),
  col('move_id', '单据号', 'Move'),
  col('moved_at', '出入库时间', 'Moved at', 'date'),
  col('move_type', '类型', 'Type'),
  col('quantity', '数量', 'Quantity', 'integer'),
  col('terminal_sn', '终端串号', 'Terminal SN'),
];

const ORDER_COLUMNS = [
  ...SUBSCRIBER_COLUMNS,
  col('month', '月份', 'Month'),
  col('order_id', '工单号', 'Order'),
  col('order_date', '完工时间', 'Completed at', 'date'),
];

export const terminalsMetrics: MetricDef[] = [
  {
    info: info('terminal_recovery_rate'),
    dims: ['county', 'product', 'month'],
    columns: [
      ...ORDER_COLUMNS,
      col('recover_move_id', '回收单据', 'Recovery move'),
      col('recovered_at', '回收时间', 'Recovered at', 'date'),
    ],
    records: (q) => sql`
      select s.county_code as county, s.product_code as product, to_char(o.order_day, 'YYYY-MM') as month,
        case when rc.move_id is null then 0 else 1 end as num, 1 as den,
        ${SUB_COLS}, o.order_id, o.order_date::text as order_date, rc.move_id as recover_move_id, rc.moved_at::text as recovered_at
      from orders o join subscribers s on s.subscriber_id = o.subscriber_id
      join products p on p.product_code = s.product_code and p.needs_terminal
      left join lateral (
        select m.move_id, m.moved_at from stock_moves m
        where ${recoversTerminal('m', 'o')}
        order by m.moved_at, m.move_id limit 1
      ) rc on true
      where o.order_type = 'disconnect' and o.order_day between ${d(q.from)} and ${d(q.to)}`,
  },
  {
    info: info('deposit_compliance_rate'),
    dims: ['county', 'product', 'month'],
    columns: [
      ...ORDER_COLUMNS,
      col('deposit_id', '押金流水号', 'Deposit'),
      col('deposit_at', '收取时间', 'Collected at', 'date'),
    ],
    records: (q) => sql`
      select s.county_code as county, s.product_code as product, to_char(o.order_day, 'YYYY-MM') as month,
        case when dp.deposit_id is null then 0 else 1 end as num, 1 as den,
        ${SUB_COLS}, o.order_id, o.order_date::text as order_date, dp.deposit_id, dp.occurred_at::text as deposit_at
      from orders o join subscribers s on s.subscriber_id = o.subscriber_id
      join products p on p.product_code = s.product_code and p.needs_deposit
      left join lateral (
        select x.deposit_id, x.occurred_at from deposits x
        where x.subscriber_id = o.subscriber_id and x.kind = 'collect'
          and x.occurred_day between o.order_day - 7 and o.order_day + 7
        order by x.occurred_at, x.deposit_id limit 1
      ) dp on true
      where o.order_type = 'new_install' and o.order_day between ${d(q.from)} and ${d(q.to)}`,
  },
  {
    // orders by the subscriber's county and product (+1), issues of serialized items by the
    // warehouse's county (null for the city warehouse) and the item's product (−1)
    info: info('install_terminal_mismatch'),
    dims: ['county', 'product', 'month'],
    columns: [
      col('county', '县区', 'County'),
      col('product', '产品', 'Product'),
      col('month', '月份', 'Month'),
      col('source', '来源', 'Source'),
      col('record_id', '单号', 'Reference'),
      col('record_at', '时间', 'At', 'date'),
      col('subscriber_id', '用户编码', 'Subscriber'),
      col('warehouse', '仓库', 'Warehouse'),
      col('item', '物料', 'Item'),
      col('num', '计数', 'Count', 'integer'),
    ],
    records: (q) => sql`
      select to_char(o.order_day, 'YYYY-MM') as month, s.county_code as county, s.product_code as product, 1 as num, 0 as den,
        'order' as source, o.order_id as record_id, o.order_date::text as record_at, o.subscriber_id,
        null::text as warehouse, null::text as item
      from orders o join subscribers s on s.subscriber_id = o.subscriber_id
      join products p on p.product_code = s.product_code and p.needs_terminal
      where o.order_type = 'new_install' and o.order_day between ${d(q.from)} and ${d(q.to)}
      union all
      select to_char(m.moved_day, 'YYYY-MM'), w.county_code, i.product_code, -1, 0,
        'move', m.move_id, m.moved_at::text, m.subscriber_id, m.warehouse_code, m.item_code
      from stock_moves m join warehouses w on w.warehouse_code = m.warehouse_code
      join items i on i.item_code = m.item_code and i.serialized
      where m.move_type = 'install_out' and m.moved_day between ${d(q.from)} and ${d(q.to)}`,
  },
  {
    info: info('stock_on_hand'),
    dims: ['county', 'product', 'warehouse', 'item'],
    columns: MOVE_COLUMNS,
    records: (q) => sql`
      select w.county_code as county, i.product_code as product, m.warehouse_code as warehouse, m.item_code as item,
        ${moveDeltaSql('m')} as num, 0 as den,
        m.move_id, m.moved_at::text as moved_at, m.move_type, m.quantity, m.terminal_sn
      from stock_moves m join warehouses w on w.warehouse_code = m.warehouse_code
      join items i on i.item_code = m.item_code
      where m.moved_day <= ${d(q.at)}`,
  },
  {
    // a swap_out of a unit with no recover_in before it (in (moved_at, move_id) order) while the same
    // warehouse held — net of the moves before the swap — a unit of the same item that had been recovered
    info: info('new_unit_swaps'),
    dims: ['county', 'product', 'month', 'warehouse', 'item'],
    columns: [col('month', '月份', 'Month'), ...MOVE_COLUMNS, col('subscriber_id', '用户编码', 'Subscriber')],
    records: (q) => sql`
      select w.county_code as county, i.product_code as product, to_char(x.moved_day, 'YYYY-MM') as month,
        x.warehouse_code as warehouse, x.item_code as item, 1 as num, 0 as den,
        x.move_id, x.moved_at::text as moved_at, x.move_type, x.quantity, x.terminal_sn, x.subscriber_id
      from stock_moves x join warehouses w on w.warehouse_code = x.warehouse_code
      join items i on i.item_code = x.item_code
      where x.move_type = 'swap_out' and x.terminal_sn is not null
        and x.moved_day between ${d(q.from)} and ${d(q.to)}
        and not exists (
          select 1 from stock_moves r where r.terminal_sn = x.terminal_sn and r.move_type = 'recover_in'
            and (r.moved_at, r.move_id) < (x.moved_at, x.move_id))
        and exists (
          select 1 from stock_moves h
          where h.warehouse_code = x.warehouse_code and h.item_code = x.item_code and h.terminal_sn is not null
            and h.terminal_sn <> x.terminal_sn and (h.moved_at, h.move_id) < (x.moved_at, x.move_id)
            and exists (
              select 1 from stock_moves r2 where r2.terminal_sn = h.terminal_sn and r2.move_type = 'recover_in'
                and (r2.moved_at, r2.move_id) < (x.moved_at, x.move_id))
          group by h.terminal_sn
          having sum(${moveDeltaSql('h')}) > 0)`,
  },
];
