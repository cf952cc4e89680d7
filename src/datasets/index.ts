import path from 'node:path';
import {
  adjustments,
  bills,
  cashDeposits,
  contracts,
  deposits,
  orders,
  payments,
  refunds,
  stockMoves,
} from './event.datasets.js';
import { counties, items, outlets, packages, products, warehouses } from './reference.datasets.js';
import { subscribers } from './subscribers.dataset.js';
import type { DatasetDef, DatasetKey } from './types.js';

export type { ColumnDef, ColumnType, DatasetDef, DatasetKey, EnumValue } from './types.js';

export const DATASETS: Record<DatasetKey, DatasetDef> = {
  counties,
  outlets,
  products,
  packages,
  warehouses,
  items,
  subscribers,
  orders,
  contracts,
  bills,
  payments,
  refunds,
  adjustments,
  cash_deposits: cashDeposits,
  deposits,
  stock_moves: stockMoves,
};

/** Dependency order: reference data, then the master, then the events. */
export const IMPORT_ORDER: readonly DatasetKey[] = [
  'counties',
  'outlets',
  'products',
  'packages',
  'warehouses',
  'items',
  'subscribers',
  'orders',
  'contracts',
  'bills',
  'payments',
  'refunds',
  'adjustments',
  'cash_deposits',
  'deposits',
  'stock_moves',
];

/** How headers, sheet names and dataset names are compared: NFKC (full-width → half-width), trimmed, lower case. */
export const normalizeName = (s: string): string => s.normalize('NFKC').trim().toLowerCase();

const NAMES: readonly { name: string; key: DatasetKey }[] = IMPORT_ORDER.flatMap((key) => [
  { name: key, key },
  { name: DATASETS[key].zh, key },
]).sort((a, b) => b.name.length - a.name.length);

/**
 * The dataset a file name stands for: its stem starts with the dataset key or Chinese name, followed by
 * nothing, `_`, `-`, `.` or a digit. Longest name first, so `cash_deposits_0601.csv` is not `deposits`.
 */
export function datasetFromFileName(fileName: string): DatasetKey | null {
  const base = normalizeName(path.basename(fileName));
  const ext = path.extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  for (const { name, key } of NAMES) {
    if (!stem.startsWith(name)) continue;
    const next = stem.charAt(name.length);
    if (next === '' || next === '_' || next === '-' || next === '.' || (next >= '0' && next <= '9'))
      return key;
  }
  return null;
}

/** A dataset named by its English key or Chinese name ('bills' or '账单'). */
export function datasetByName(name: string): DatasetKey | null {
  const n = normalizeName(name);
  for (const key of IMPORT_ORDER) {
    if (n === key || n === normalizeName(DATASETS[key].zh)) return key;
  }
  return null;
}
