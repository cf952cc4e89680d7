import { sql, type Kysely } from 'kysely';

// The subscriber master and the event datasets. Money is bigint fen; months are the first day of the
// month as a date; every timestamp has a stored local (Asia/Shanghai) date beside it, which is what
// the metrics compare and index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table subscribers (
      subscriber_id text primary key,
      account_id text not null,
      customer_name text not null,
      id_number text,
      phone text,
      county_code text not null references counties,
      outlet_code text references outlets,
      product_code text not null references products,
      package_code text not null references packages,
      install_date date not null,
      status text not null check (status in ('normal','single_stop','dual_stop','disconnected')),
      disconnect_date date,
      terminal_sn text,
      batch_id bigint references import_batches
    );
    create index subscribers_county_product on subscribers (county_code, product_code);
    create index subscribers_account on subscribers (account_id);
    create index subscribers_phone on subscribers (phone);
    create index subscribers_disconnect on subscribers (disconnect_date) where disconnect_date is not null;

    create table orders (
      order_id text primary key,
      subscriber_id text not null references subscribers,
      order_type text not null check (order_type in ('new_install','disconnect','single_stop','dual_stop','resume','package_change')),
      order_date timestamptz not null,
      order_day date generated always as ((order_date at time zone 'Asia/Shanghai')::date) stored,
      county_code text references counties,
      outlet_code text references outlets,
      operator_id text,
      reason text,
      batch_id bigint references import_batches
    );
    create index orders_type_day on orders (order_type, order_day);
    create index orders_subscriber on orders (subscriber_id, order_date, order_id);

    create table contracts (
      contract_id text primary key,
      subscriber_id text not null references subscribers,
      package_code text not null references packages,
      start_date date not null,
      end_date date not null check (end_date >= start_date),
      batch_id bigint references import_batches
    );
    create index contracts_end on contracts (end_date);
    create index contracts_subscriber on contracts (subscriber_id, start_date);

    create table bills (
      subscriber_id text not null references subscribers,
      bill_month date not null check (extract(day from bill_month) = 1),
      amount bigint not null check (amount >= 0),
      batch_id bigint references import_batches,
      primary key (subscriber_id, bill_month)
    );
    create index bills_month on bills (bill_month);

    create table payments (
      payment_id text primary key,
      subscriber_id text not null references subscribers,
      bill_month date check (extract(day from bill_month) = 1),
      paid_at timestamptz not null,
      paid_day date generated always as ((paid_at at time zone 'Asia/Shanghai')::date) stored,
      amount bigint not null check (amount > 0),
      channel text not null check (channel in ('cash','bank','online','agent')),
      outlet_code text references outlets,
      operator_id text,
      batch_id bigint references import_batches
    );
    create index payments_month_sub on payments (bill_month, subscriber_id);
    create index payments_outlet_day on payments (outlet_code, paid_day) where channel = 'cash';
    create index payments_day on payments (paid_day);

    create table refunds (
      refund_id text primary key,
      subscriber_id text not null references subscribers,
      refunded_at timestamptz not null,
      refunded_day date generated always as ((refunded_at at time zone 'Asia/Shanghai')::date) stored,
      amount bigint not null check (amount > 0),
      channel text not null check (channel in ('cash','bank','online','agent')),
      reason text,
      approver_id text,
      outlet_code text references outlets,
      operator_id text,
      batch_id bigint references import_batches
    );
    create index refunds_outlet_day on refunds (outlet_code, refunded_day);

    create table adjustments (
      adjustment_id text primary key,
      subscriber_id text not null references subscribers,
      bill_month date not null check (extract(day from bill_month) = 1),
      adjusted_at timestamptz not null,
      adjusted_day date generated always as ((adjusted_at at time zone 'Asia/Shanghai')::date) stored,
      amount bigint not null,
      reason text,
      approver_id text,
      batch_id bigint references import_batches
    );
    create index adjustments_month_sub on adjustments (bill_month, subscriber_id);
    create index adjustments_day on adjustments (adjusted_day);

    create table cash_deposits (
      outlet_code text not null references outlets,
      business_date date not null,
      slip_no text not null,
      amount bigint not null,
      batch_id bigint references import_batches,
      primary key (outlet_code, business_date, slip_no)
    );
    create index cash_deposits_day on cash_deposits (business_date);

    create table deposits (
      deposit_id text primary key,
      subscriber_id text not null references subscribers,
      occurred_at timestamptz not null,
      occurred_day date generated always as ((occurred_at at time zone 'Asia/Shanghai')::date) stored,
      kind text not null check (kind in ('collect','refund')),
      amount bigint not null check (amount > 0),
      terminal_sn text,
      batch_id bigint references import_batches
    );
    create index deposits_subscriber on deposits (subscriber_id, occurred_day);

    create table stock_moves (
      move_id text primary key,
      moved_at timestamptz not null,
      moved_day date generated always as ((moved_at at time zone 'Asia/Shanghai')::date) stored,
      warehouse_code text not null references warehouses,
      item_code text not null references items,
      move_type text not null check (move_type in ('purchase_in','install_out','recover_in','swap_out','transfer_out','transfer_in','scrap')),
      quantity integer not null check (quantity > 0),
      terminal_sn text,
      subscriber_id text references subscribers,
      order_id text,
      batch_id bigint references import_batches
    );
    create index stock_moves_wh_item on stock_moves (warehouse_code, item_code, moved_at, move_id);
    create index stock_moves_subscriber on stock_moves (subscriber_id, move_type, moved_day);
    create index stock_moves_sn on stock_moves (terminal_sn, moved_at, move_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table stock_moves, deposits, cash_deposits, adjustments, refunds, payments, bills, contracts, orders, subscribers`.execute(
    db,
  );
}
