/** The data contract (../shared/spec/data-contract.md) as types. */
export type DatasetKey =
  | 'counties'
  | 'outlets'
  | 'products'
  | 'packages'
  | 'warehouses'
  | 'items'
  | 'subscribers'
  | 'orders'
  | 'contracts'
  | 'bills'
  | 'payments'
  | 'refunds'
  | 'adjustments'
  | 'cash_deposits'
  | 'deposits'
  | 'stock_moves';

export type ColumnType =
  'code' | 'text' | 'money' | 'integer' | 'date' | 'timestamp' | 'month' | 'bool' | 'enum';

export type EnumValue = { value: string; zh: string };

export type ColumnDef = {
  /** == the DB column name in src/db/schema.ts */
  key: string;
  /** Chinese label in this dataset (its first alias). */
  zh: string;
  /** Every alias of this key across all datasets: an alias belongs to its key everywhere. */
  aliases: readonly string[];
  type: ColumnType;
  /** Contract: every column is required unless marked *opt*. */
  required: boolean;
  /** customer_name, id_number, phone */
  personal?: boolean;
  values?: readonly EnumValue[];
  /** money ≥ 0 / > 0, integer ≥ 0 / > 0 */
  min?: 'ge0' | 'gt0';
  /** The code must exist in this dataset (reference data or the subscriber master). Checked by the batch pipeline. */
  ref?: DatasetKey;
  /** Value of an optional column left blank or absent (products.needs_terminal / needs_deposit → false). */
  default?: boolean;
};

export type DatasetDef = {
  key: DatasetKey;
  zh: string;
  /** table name = key */
  table: DatasetKey;
  keyColumns: readonly string[];
  columns: readonly ColumnDef[];
  kind: 'reference' | 'master' | 'event';
  /**
   * The column that places a row in time, for freshness and derived-data hooks: bills → bill_month,
   * payments → paid_at, cash_deposits → business_date, subscribers → install_date; null for reference data.
   */
  timeColumn: string | null;
};
