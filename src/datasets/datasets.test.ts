import { describe, expect, it, test } from 'vitest';
import { ALIASES } from './columns.js';
import { DATASETS, IMPORT_ORDER, datasetByName, datasetFromFileName, normalizeName } from './index.js';
import type { DatasetKey } from './types.js';

describe('dataset names in file names', () => {
  test.each<[string, DatasetKey | null]>([
    ['bills.csv', 'bills'],
    ['bills_202606.xlsx', 'bills'],
    ['bills-2026-06.csv', 'bills'],
    ['bills2026.csv', 'bills'],
    ['bills.2026-06.csv', 'bills'],
    ['BILLS.CSV', 'bills'],
    ['/data/in/账单-2026-06.csv', 'bills'],
    ['账单.xlsx', 'bills'],
    ['缴费_0601.csv', 'payments'],
    ['cash_deposits.csv', 'cash_deposits'],
    ['cash_deposits_20260601.csv', 'cash_deposits'],
    ['deposits_20260601.csv', 'deposits'],
    ['解款-0601.csv', 'cash_deposits'],
    ['押金.csv', 'deposits'],
    ['stock_moves.xlsx', 'stock_moves'],
    ['出入库2026.xlsx', 'stock_moves'],
    ['用户资料.csv', 'subscribers'],
    ['ｂｉｌｌｓ.csv', 'bills'], // full-width
    ['billsx.csv', null],
    ['my_bills.csv', null],
    ['账单明细.csv', null],
    ['stock.csv', null],
    ['readme.txt', null],
  ])('%s → %s', (file, key) => {
    expect(datasetFromFileName(file)).toBe(key);
  });

  test.each<[string, DatasetKey | null]>([
    ['bills', 'bills'],
    ['账单', 'bills'],
    [' Payments ', 'payments'],
    ['cash_deposits', 'cash_deposits'],
    ['解款', 'cash_deposits'],
    ['bill', null],
  ])('datasetByName(%s) → %s', (name, key) => {
    expect(datasetByName(name)).toBe(key);
  });
});

describe('the contract as code', () => {
  it('imports every dataset once, reference data first', () => {
    expect([...IMPORT_ORDER].sort()).toEqual(Object.keys(DATASETS).sort());
    expect(IMPORT_ORDER.slice(0, 7)).toEqual([
      'counties',
      'outlets',
      'products',
      'packages',
      'warehouses',
      'items',
      'subscribers',
    ]);
  });

  it('gives no alias to two keys, so a header always means one column', () => {
    const owner = new Map<string, string>();
    for (const [key, aliases] of Object.entries(ALIASES)) {
      for (const name of [key, ...aliases]) {
        const n = normalizeName(name);
        expect(owner.get(n) ?? key, `${name} is claimed by ${owner.get(n)} and ${key}`).toBe(key);
        owner.set(n, key);
      }
    }
  });

  it('names every key column as a required column of its dataset', () => {
    for (const def of Object.values(DATASETS)) {
      for (const k of def.keyColumns) {
        expect(def.columns.find((c) => c.key === k)?.required, `${def.key}.${k}`).toBe(true);
      }
      expect(def.table).toBe(def.key);
      expect(def.timeColumn === null).toBe(def.kind === 'reference');
    }
  });

  it('shares aliases across datasets and labels each dataset in its own words', () => {
    const amount = (k: DatasetKey) => DATASETS[k].columns.find((c) => c.key === 'amount');
    expect(amount('payments')?.zh).toBe('缴费金额');
    expect(amount('refunds')?.zh).toBe('退费金额');
    expect(amount('bills')?.aliases).toEqual([
      '应收金额',
      '缴费金额',
      '退费金额',
      '调帐金额',
      '解款金额',
      '押金金额',
    ]);
    expect(amount('payments')?.aliases[0]).toBe('缴费金额');
    expect(amount('payments')?.min).toBe('gt0');
    expect(amount('adjustments')?.min).toBeUndefined();
  });

  it('marks personal data and references', () => {
    const sub = DATASETS.subscribers.columns;
    expect(sub.filter((c) => c.personal).map((c) => c.key)).toEqual(['customer_name', 'id_number', 'phone']);
    expect(sub.filter((c) => c.ref).map((c) => [c.key, c.ref])).toEqual([
      ['county_code', 'counties'],
      ['outlet_code', 'outlets'],
      ['product_code', 'products'],
      ['package_code', 'packages'],
    ]);
    expect(DATASETS.payments.columns.find((c) => c.key === 'subscriber_id')?.ref).toBe('subscribers');
    expect(DATASETS.counties.columns.find((c) => c.key === 'county_code')?.ref).toBeUndefined();
  });
});
