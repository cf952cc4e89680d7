import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { DATASETS, type DatasetDef } from '../../datasets/index.js';
import type { BatchChange } from '../hooks.js';

/** SQL pieces shared by apply and undo, built from the dataset definition (identifiers only, no values). */
export const keyCols = (def: DatasetDef) => def.keyColumns;
export const valueCols = (def: DatasetDef) =>
  def.columns.map((c) => c.key).filter((k) => !def.keyColumns.includes(k));
export const allCols = (def: DatasetDef) => def.columns.map((c) => c.key);

export const refs = (alias: string, cols: readonly string[]) =>
  sql.join(cols.map((c) => sql.ref(`${alias}.${c}`)));
export const keyJoin = (def: DatasetDef, a: string, b: string) =>
  sql.join(
    def.keyColumns.map((k) => sql`${sql.ref(`${a}.${k}`)} = ${sql.ref(`${b}.${k}`)}`),
    sql` and `,
  );
/** True when the two rows differ in any non-key column. */
export const differs = (def: DatasetDef, a: string, b: string) =>
  sql`row(${refs(a, valueCols(def))}) is distinct from row(${refs(b, valueCols(def))})`;
/** The row key stored in import_row_versions: a JSON array of the key values. */
export const rowKey = (def: DatasetDef, alias: string) =>
  sql`jsonb_build_array(${refs(alias, def.keyColumns)})::text`;

/** The local (Asia/Shanghai) date of a row's time column, as the tables' generated day columns compute it. */
export function localDate(def: DatasetDef, alias: string): RawBuilder<unknown> | null {
  const tc = def.timeColumn;
  if (!tc) return null;
  const type = def.columns.find((c) => c.key === tc)?.type;
  const ref = sql.ref(`${alias}.${tc}`);
  return type === 'timestamp' ? sql`(${ref} at time zone 'Asia/Shanghai')::date` : sql`${ref}::date`;
}

type CountyVia = { column: string; through: 'self' | 'subscribers' | 'outlets' | 'warehouses' } | null;

function countyVia(def: DatasetDef): CountyVia {
  if (def.kind === 'reference') return null;
  const has = (k: string) => def.columns.some((c) => c.key === k);
  if (has('county_code') && def.key === 'subscribers') return { column: 'county_code', through: 'self' };
  if (has('subscriber_id')) return { column: 'subscriber_id', through: 'subscribers' };
  if (has('outlet_code')) return { column: 'outlet_code', through: 'outlets' };
  if (has('warehouse_code')) return { column: 'warehouse_code', through: 'warehouses' };
  return null;
}

const asArray = (v: unknown): string[] => {
  const a = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(a) ? a.map(String).sort() : [];
};

export type ChangeDescription = Omit<BatchChange, 'batchId' | 'action'>;

/**
 * What changed, for the derived-data hooks: months, local dates and counties of the rows on both sides
 * (`newRows`: the versions written, `oldRows`: the versions they replace), each a subquery yielding the
 * dataset's columns; `oldRows` null when nothing is replaced.
 */
export async function describeChange(
  trx: Transaction<DB>,
  def: DatasetDef,
  newRows: RawBuilder<unknown>,
  oldRows: RawBuilder<unknown> | null,
): Promise<ChangeDescription> {
  return (await describe(trx, def, newRows, oldRows, false)).change;
}

/**
 * describeChange of new rows (nothing replaced) together with the number of them whose references are
 * not there (a code unknown to its reference dataset or a subscriber not in the master): one scan and
 * one join per referenced table instead of two. The direct path's check (direct-load.ts), which gives
 * up on any such row; which rows and why is the staged path's report (validate.ts checkReferences).
 */
export async function describeNewRowsCheckingRefs(
  trx: Transaction<DB>,
  def: DatasetDef,
  newRows: RawBuilder<unknown>,
): Promise<{ change: ChangeDescription; missingRefs: number }> {
  return describe(trx, def, newRows, null, true);
}

/** The reference columns of a dataset checked against their datasets (a self-reference is not). */
export const referenceColumns = (def: DatasetDef) =>
  def.columns.flatMap((c) => (c.ref && c.ref !== def.key ? [{ col: c, ref: DATASETS[c.ref] }] : []));

async function describe(
  trx: Transaction<DB>,
  def: DatasetDef,
  newRows: RawBuilder<unknown>,
  oldRows: RawBuilder<unknown> | null,
  checkRefs: boolean,
): Promise<{ change: ChangeDescription; missingRefs: number }> {
  const d = localDate(def, 'x');
  const monthCols = def.columns
    .filter((c) => c.type === 'month' && c.key !== def.timeColumn)
    .map((c) => c.key);
  const m = monthCols[0] ? sql`${sql.ref(`x.${monthCols[0]}`)}::date` : sql`null::date`;
  const via = countyVia(def);
  // the county is looked up per row (a hash join) and the rows grouped to their few distinct
  // (date, month, county) before anything else: a 1M-row batch materializes a handful of tuples
  const through =
    via === null || via.through === 'self'
      ? null
      : {
          subscribers: ['subscribers', 'subscriber_id'],
          outlets: ['outlets', 'outlet_code'],
          warehouses: ['warehouses', 'warehouse_code'],
        }[via.through];
  const c =
    via === null
      ? sql`null::text`
      : through === null
        ? sql`${sql.ref(`x.${via.column}`)}::text`
        : sql`r.county_code::text`;
  const countyJoin =
    via === null || through === undefined || through === null
      ? null
      : {
          table: through[0] as string,
          key: through[1] as string,
          sql: sql`left join ${sql.table(through[0] as string)} r on ${sql.ref(`r.${through[1] as string}`)} = ${sql.ref(`x.${via.column}`)}`,
        };
  const join = countyJoin?.sql ?? sql``;
  // the reference checks: the county's join serves its own column; one more left join per other one
  const refChecks = checkRefs
    ? referenceColumns(def).map(({ col, ref }, i) => {
        const refKey = ref.keyColumns[0] as string;
        const v = sql.ref(`x.${col.key}`);
        const reuse = countyJoin !== null && countyJoin.table === ref.table && via?.column === col.key;
        const alias = reuse ? 'r' : `q${i}`;
        return {
          join: reuse
            ? sql``
            : sql`left join ${sql.table(ref.table)} ${sql.table(alias)} on ${sql.ref(`${alias}.${refKey}`)} = ${v}`,
          missing: sql`(${v} is not null and ${sql.ref(`${alias}.${refKey}`)} is null)`,
        };
      })
    : [];
  const miss =
    refChecks.length === 0
      ? sql`false`
      : sql.join(
          refChecks.map((r) => r.missing),
          sql` or `,
        );
  const refJoins = sql.join(
    refChecks.map((r) => r.join),
    sql` `,
  );
  const dd = d ?? sql`null::date`;
  const r = await sql<{
    dfrom: string | null;
    dto: string | null;
    months: unknown;
    counties: unknown;
    missing: string | number;
  }>`
    with ch as materialized (
      select d, m, c, count(*) filter (where miss) as miss from (
        select ${dd} as d, ${m} as m, ${c} as c, ${miss} as miss from (${newRows}) x ${join} ${refJoins}
        ${oldRows === null ? sql`` : sql`union all select ${dd} as d, ${m} as m, ${c} as c, false as miss from (${oldRows}) x ${join}`}
      ) u group by 1, 2, 3
    )
    select (select min(d)::text from ch) as dfrom, (select max(d)::text from ch) as dto,
      (select coalesce(jsonb_agg(distinct u.x), '[]') from (
         select to_char(d, 'YYYY-MM') as x from ch where d is not null
         union select to_char(m, 'YYYY-MM') from ch where m is not null) u) as months,
      ${via === null ? sql`null::jsonb` : sql`(select coalesce(jsonb_agg(distinct c), '[]') from ch where c is not null)`} as counties,
      (select coalesce(sum(miss), 0) from ch) as missing`.execute(trx);
  const row = r.rows[0];
  return {
    change: {
      dataset: def.key,
      months: asArray(row?.months),
      dateRange: d && row?.dfrom && row.dto ? { from: row.dfrom, to: row.dto } : null,
      counties:
        via === null || row?.counties === null || row?.counties === undefined ? null : asArray(row.counties),
    },
    missingRefs: Number(row?.missing ?? 0),
  };
}
