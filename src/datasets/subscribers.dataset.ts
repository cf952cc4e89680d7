import { SUBSCRIBER_STATUS, col } from './columns.js';
import type { DatasetDef } from './types.js';

/**
 * The subscriber master: a full or partial snapshot. Row rules beyond single cells (disconnect_date
 * present iff status = disconnected, not before install_date) live in src/ingest/parse/row-rules.ts;
 * package/product consistency is checked set-based by the batch pipeline.
 */
export const subscribers: DatasetDef = {
  key: 'subscribers',
  zh: '用户资料',
  table: 'subscribers',
  kind: 'master',
  keyColumns: ['subscriber_id'],
  timeColumn: 'install_date',
  columns: [
    col('subscriber_id', 'code'),
    col('account_id', 'text'),
    col('customer_name', 'text', { personal: true }),
    col('id_number', 'text', { opt: true, personal: true }),
    col('phone', 'text', { opt: true, personal: true }),
    col('county_code', 'code', { ref: 'counties' }),
    col('outlet_code', 'code', { opt: true, ref: 'outlets' }),
    col('product_code', 'code', { ref: 'products' }),
    col('package_code', 'code', { ref: 'packages' }),
    col('install_date', 'date'),
    col('status', 'enum', { values: SUBSCRIBER_STATUS }),
    col('disconnect_date', 'date', { opt: true }),
    col('terminal_sn', 'text', { opt: true }),
  ],
};
