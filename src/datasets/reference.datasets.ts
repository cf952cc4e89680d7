import { BILLING, col } from './columns.js';
import type { DatasetDef } from './types.js';

export const counties: DatasetDef = {
  key: 'counties',
  zh: '县区',
  table: 'counties',
  kind: 'reference',
  keyColumns: ['county_code'],
  timeColumn: null,
  columns: [
    col('county_code', 'code'),
    col('county_name', 'text'),
    col('households', 'integer', { opt: true, min: 'ge0' }),
    col('population', 'integer', { opt: true, min: 'ge0' }),
  ],
};

export const outlets: DatasetDef = {
  key: 'outlets',
  zh: '营业网点',
  table: 'outlets',
  kind: 'reference',
  keyColumns: ['outlet_code'],
  timeColumn: null,
  columns: [
    col('outlet_code', 'code'),
    col('outlet_name', 'text'),
    col('county_code', 'code', { ref: 'counties' }),
  ],
};

export const products: DatasetDef = {
  key: 'products',
  zh: '业务品类',
  table: 'products',
  kind: 'reference',
  keyColumns: ['product_code'],
  timeColumn: null,
  columns: [
    col('product_code', 'code'),
    col('product_name', 'text'),
    col('needs_terminal', 'bool', { opt: true, default: false }),
    col('needs_deposit', 'bool', { opt: true, default: false }),
  ],
};

export const packages: DatasetDef = {
  key: 'packages',
  zh: '资费套餐',
  table: 'packages',
  kind: 'reference',
  keyColumns: ['package_code'],
  timeColumn: null,
  columns: [
    col('package_code', 'code'),
    col('package_name', 'text'),
    col('product_code', 'code', { ref: 'products' }),
    col('monthly_fee', 'money', { min: 'ge0' }),
    col('billing', 'enum', { values: BILLING }),
    // required when billing = prepaid: a row rule (src/ingest/parse/row-rules.ts)
    col('term_months', 'integer', { opt: true, min: 'gt0' }),
  ],
};

export const warehouses: DatasetDef = {
  key: 'warehouses',
  zh: '仓库',
  table: 'warehouses',
  kind: 'reference',
  keyColumns: ['warehouse_code'],
  timeColumn: null,
  columns: [
    col('warehouse_code', 'code'),
    col('warehouse_name', 'text'),
    // blank = the city warehouse
    col('county_code', 'code', { opt: true, ref: 'counties' }),
  ],
};

export const items: DatasetDef = {
  key: 'items',
  zh: '物料',
  table: 'items',
  kind: 'reference',
  keyColumns: ['item_code'],
  timeColumn: null,
  columns: [
    col('item_code', 'code'),
    col('item_name', 'text'),
    col('unit', 'text', { opt: true }),
    col('serialized', 'bool'),
    // blank for general material such as cable
    col('product_code', 'code', { opt: true, ref: 'products' }),
  ],
};
