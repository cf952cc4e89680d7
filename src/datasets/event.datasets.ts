import { CHANNELS, DEPOSIT_KINDS, MOVE_TYPES, ORDER_TYPES, col } from './columns.js';
import type { DatasetDef } from './types.js';

const subscriber = () => col('subscriber_id', 'code', { ref: 'subscribers' });
const outlet = () => col('outlet_code', 'code', { opt: true, ref: 'outlets' });
const operator = () => col('operator_id', 'text', { opt: true });

export const orders: DatasetDef = {
  key: 'orders',
  zh: '业务工单',
  table: 'orders',
  kind: 'event',
  keyColumns: ['order_id'],
  timeColumn: 'order_date',
  columns: [
    col('order_id', 'code'),
    subscriber(),
    col('order_type', 'enum', { values: ORDER_TYPES }),
    col('order_date', 'timestamp'),
    col('county_code', 'code', { opt: true, ref: 'counties' }),
    outlet(),
    operator(),
    // for disconnect orders one of DISCONNECT_REASONS (row rule), free text otherwise
    col('reason', 'text', { opt: true, zh: '原因' }),
  ],
};

export const contracts: DatasetDef = {
  key: 'contracts',
  zh: '合约',
  table: 'contracts',
  kind: 'event',
  keyColumns: ['contract_id'],
  timeColumn: 'start_date',
  columns: [
    col('contract_id', 'code'),
    subscriber(),
    col('package_code', 'code', { ref: 'packages' }),
    col('start_date', 'date'),
    col('end_date', 'date'),
  ],
};

export const bills: DatasetDef = {
  key: 'bills',
  zh: '账单',
  table: 'bills',
  kind: 'event',
  keyColumns: ['subscriber_id', 'bill_month'],
  timeColumn: 'bill_month',
  columns: [subscriber(), col('bill_month', 'month'), col('amount', 'money', { zh: '应收金额', min: 'ge0' })],
};

export const payments: DatasetDef = {
  key: 'payments',
  zh: '缴费',
  table: 'payments',
  kind: 'event',
  keyColumns: ['payment_id'],
  timeColumn: 'paid_at',
  columns: [
    col('payment_id', 'code'),
    subscriber(),
    // blank = prepayment, applied to no bill
    col('bill_month', 'month', { opt: true }),
    col('paid_at', 'timestamp'),
    col('amount', 'money', { zh: '缴费金额', min: 'gt0' }),
    col('channel', 'enum', { zh: '缴费渠道', values: CHANNELS }),
    outlet(),
    operator(),
  ],
};

export const refunds: DatasetDef = {
  key: 'refunds',
  zh: '退费',
  table: 'refunds',
  kind: 'event',
  keyColumns: ['refund_id'],
  timeColumn: 'refunded_at',
  columns: [
    col('refund_id', 'code'),
    subscriber(),
    col('refunded_at', 'timestamp'),
    col('amount', 'money', { zh: '退费金额', min: 'gt0' }),
    col('channel', 'enum', { zh: '退费渠道', values: CHANNELS }),
    col('reason', 'text', { opt: true, zh: '退费原因' }),
    // blank = no approval
    col('approver_id', 'text', { opt: true }),
    outlet(),
    operator(),
  ],
};

export const adjustments: DatasetDef = {
  key: 'adjustments',
  zh: '调帐',
  table: 'adjustments',
  kind: 'event',
  keyColumns: ['adjustment_id'],
  timeColumn: 'adjusted_at',
  columns: [
    col('adjustment_id', 'code'),
    subscriber(),
    col('bill_month', 'month'),
    col('adjusted_at', 'timestamp'),
    // negative reduces the receivable
    col('amount', 'money', { zh: '调帐金额' }),
    col('reason', 'text', { opt: true, zh: '调帐原因' }),
    col('approver_id', 'text', { opt: true }),
  ],
};

export const cashDeposits: DatasetDef = {
  key: 'cash_deposits',
  zh: '解款',
  table: 'cash_deposits',
  kind: 'event',
  keyColumns: ['outlet_code', 'business_date', 'slip_no'],
  timeColumn: 'business_date',
  columns: [
    col('outlet_code', 'code', { ref: 'outlets' }),
    col('business_date', 'date'),
    col('slip_no', 'code'),
    col('amount', 'money', { zh: '解款金额' }),
  ],
};

export const deposits: DatasetDef = {
  key: 'deposits',
  zh: '押金',
  table: 'deposits',
  kind: 'event',
  keyColumns: ['deposit_id'],
  timeColumn: 'occurred_at',
  columns: [
    col('deposit_id', 'code'),
    subscriber(),
    col('occurred_at', 'timestamp'),
    col('kind', 'enum', { values: DEPOSIT_KINDS }),
    col('amount', 'money', { zh: '押金金额', min: 'gt0' }),
    col('terminal_sn', 'text', { opt: true }),
  ],
};

export const stockMoves: DatasetDef = {
  key: 'stock_moves',
  zh: '出入库',
  table: 'stock_moves',
  kind: 'event',
  keyColumns: ['move_id'],
  timeColumn: 'moved_at',
  columns: [
    col('move_id', 'code'),
    col('moved_at', 'timestamp'),
    col('warehouse_code', 'code', { ref: 'warehouses' }),
    col('item_code', 'code', { ref: 'items' }),
    col('move_type', 'enum', { values: MOVE_TYPES }),
    // exactly 1 for serialized items: set-based check in the batch pipeline
    col('quantity', 'integer', { min: 'gt0' }),
    // required for serialized items: set-based check in the batch pipeline
    col('terminal_sn', 'text', { opt: true }),
    // required for install_out, recover_in, swap_out: row rule
    col('subscriber_id', 'code', { opt: true, ref: 'subscribers' }),
    col('order_id', 'code', { opt: true }),
  ],
};
