import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** Escape LIKE metacharacters so a name prefix is matched literally. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const masterColumns = [
  's.subscriber_id',
  's.account_id',
  's.customer_name',
  's.id_number',
  's.phone',
  's.county_code',
  'c.county_name',
  's.outlet_code',
  's.product_code',
  'pr.product_name',
  's.package_code',
  'pk.package_name',
  'pk.monthly_fee',
  's.install_date',
  's.status',
  's.disconnect_date',
  's.terminal_sn',
] as const;

const masterQuery = (db: Kysely<DB>) =>
  db
    .selectFrom('subscribers as s')
    .innerJoin('counties as c', 'c.county_code', 's.county_code')
    .leftJoin('products as pr', 'pr.product_code', 's.product_code')
    .leftJoin('packages as pk', 'pk.package_code', 's.package_code')
    .select(masterColumns);

export type SubscriberMasterRow = NonNullable<Awaited<ReturnType<typeof findSubscriber>>>;

/** Exact subscriber id, account id or phone, or a name prefix; `county` null = every county. */
export async function searchSubscriberRows(
  db: Kysely<DB>,
  f: { q: string; county: string | null; page: number; pageSize: number },
) {
  let q = masterQuery(db);
  const term = f.q.trim();
  if (term) {
    q = q.where((eb) =>
      eb.or([
        eb('s.subscriber_id', '=', term),
        eb('s.account_id', '=', term),
        eb('s.phone', '=', term),
        eb('s.customer_name', 'like', likePrefix(term)),
      ]),
    );
  }
  if (f.county !== null) q = q.where('s.county_code', '=', f.county);
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const rows = await q
    .orderBy('s.subscriber_id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { total: Number(total?.n ?? 0), rows };
}

export const findSubscriber = (db: Kysely<DB>, id: string) =>
  masterQuery(db).where('s.subscriber_id', '=', id).executeTakeFirst();

export const billRows = (db: Kysely<DB>, id: string, months: number) =>
  db
    .selectFrom('bills')
    .select(['bill_month', 'amount'])
    .where('subscriber_id', '=', id)
    .orderBy('bill_month', 'desc')
    .limit(months)
    .execute();

export const paymentRows = (db: Kysely<DB>, id: string, limit: number) =>
  db
    .selectFrom('payments')
    .select(['payment_id', 'bill_month', 'paid_at', 'amount', 'channel', 'outlet_code', 'operator_id'])
    .where('subscriber_id', '=', id)
    .orderBy('paid_at', 'desc')
    .orderBy('payment_id', 'desc')
    .limit(limit)
    .execute();

export const adjustmentRows = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom('adjustments')
    .select(['adjustment_id', 'bill_month', 'adjusted_at', 'amount', 'reason', 'approver_id'])
    .where('subscriber_id', '=', id)
    .orderBy('adjusted_at', 'desc')
    .execute();

export const refundRows = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom('refunds')
    .select(['refund_id', 'refunded_at', 'amount', 'channel', 'reason', 'approver_id', 'outlet_code'])
    .where('subscriber_id', '=', id)
    .orderBy('refunded_at', 'desc')
    .execute();

/**
 * due / paid per bill month at cutoff date t (metrics.md, "Collections and arrears"): due = bill +
 * adjustments adjusted by the end of t, floored at 0; paid = payments for that month paid by the end of t.
 */
export async function arrearsRows(db: Kysely<DB>, id: string, t: string) {
  const r = await sql<{ bill_month: string; due: number; paid: number }>`
    with months as (
      select bill_month from bills where subscriber_id = ${id}
      union select bill_month from adjustments where subscriber_id = ${id} and adjusted_day <= ${t}::date
      union select bill_month from payments
        where subscriber_id = ${id} and bill_month is not null and paid_day <= ${t}::date
    )
    select m.bill_month,
      greatest(0,
        coalesce((select b.amount from bills b where b.subscriber_id = ${id} and b.bill_month = m.bill_month), 0)
        + coalesce((select sum(a.amount) from adjustments a
            where a.subscriber_id = ${id} and a.bill_month = m.bill_month and a.adjusted_day <= ${t}::date), 0)
      )::bigint as due,
      coalesce((select sum(p.amount) from payments p
        where p.subscriber_id = ${id} and p.bill_month = m.bill_month and p.paid_day <= ${t}::date), 0)::bigint as paid
    from months m
    order by m.bill_month desc
  `.execute(db);
  return r.rows;
}

export const orderRows = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom('orders')
    .select(['order_id', 'order_type', 'order_date', 'county_code', 'outlet_code', 'operator_id', 'reason'])
    .where('subscriber_id', '=', id)
    .orderBy('order_date', 'desc')
    .orderBy('order_id', 'desc')
    .execute();

export const contractRows = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom('contracts')
    .select(['contract_id', 'package_code', 'start_date', 'end_date'])
    .where('subscriber_id', '=', id)
    .orderBy('start_date', 'desc')
    .execute();

/** Moves booked to the subscriber, and moves of the terminal the master says they hold. */
export const stockMoveRows = (db: Kysely<DB>, id: string, terminalSn: string | null) =>
  db
    .selectFrom('stock_moves')
    .select([
      'move_id',
      'moved_at',
      'warehouse_code',
      'item_code',
      'move_type',
      'quantity',
      'terminal_sn',
      'subscriber_id',
      'order_id',
    ])
    .where((eb) =>
      terminalSn === null
        ? eb('subscriber_id', '=', id)
        : eb.or([eb('subscriber_id', '=', id), eb('terminal_sn', '=', terminalSn)]),
    )
    .orderBy('moved_at', 'desc')
    .orderBy('move_id', 'desc')
    .execute();

export const depositRows = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom('deposits')
    .select(['deposit_id', 'occurred_at', 'kind', 'amount', 'terminal_sn'])
    .where('subscriber_id', '=', id)
    .orderBy('occurred_at', 'desc')
    .execute();
