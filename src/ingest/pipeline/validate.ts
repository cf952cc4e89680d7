import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/connect.js';
import type { DB } from '../../db/schema.js';
import type { DatasetDef } from '../../datasets/index.js';
import type { RowError } from '../../core/errors.js';
import type { Staging } from './staging.js';
import { csvField } from './staging.js';
import { trace } from './trace.js';
import { referenceColumns } from './change.js';
import { movedAtText, moveDeltaSql, resolveStock, type StockEvent, type StockReject } from './stock.js';

/**
 * Set-based checks of the staged rows, all in SQL so a 2-million-row file costs a few statements, not
 * millions of queries. Each check appends RowErrors (row, column as written, value, zh/en reason) to
 * the staging error table.
 */
export type ValidateInput = {
  database: Database;
  def: DatasetDef;
  st: Staging;
  /** column key → header as written in the file */
  columnOf: Record<string, string>;
  /** allow-partial: every offending stock move is rejected; otherwise the first one per warehouse and item */
  allowPartial: boolean;
};

const colName = (input: ValidateInput, key: string): string => input.columnOf[key] ?? key;

/** `jsonb_build_array(jsonb_build_object(...))` of one RowError built in SQL. */
function errorJson(
  row: RawBuilder<unknown>,
  column: string,
  value: RawBuilder<unknown>,
  zh: RawBuilder<unknown>,
  en: RawBuilder<unknown>,
) {
  return sql`jsonb_build_array(jsonb_build_object('row', ${row}, 'column', ${column}::text, 'value', ${value},
    'message_zh', ${zh}, 'message_en', ${en}))`;
}

/**
 * Memory for the sorts and hashes of the checks on PostgreSQL: with the default 4 MB a 1M-row file's
 * duplicate-key sort and the hash of the subscriber master spill to disk. Not on PGlite, whose memory is
 * this process's.
 */
const PG_WORK_MEM = '128MB';

export async function validateStaged(input: ValidateInput): Promise<void> {
  if (input.database.engine !== 'postgres') return runChecks(input, input.database.db);
  // one transaction only to scope the setting (the checks write nothing but staging tables)
  await input.database.db.transaction().execute(async (trx) => {
    await sql`set local work_mem = ${sql.lit(PG_WORK_MEM)}`.execute(trx);
    await runChecks(input, trx);
  });
}

/**
 * The checks of the direct path (direct-load.ts), inside its transaction: every check but the duplicate
 * keys, which the table's unique index enforces there, and the references, which it counts while it
 * describes the change (change.ts describeNewRowsCheckingRefs). Not for stock moves (their stock check
 * reads the stored moves, which on that path already hold the file's).
 */
export async function validateStagedIn(trx: Kysely<DB>, input: ValidateInput): Promise<void> {
  if (input.def.key === 'stock_moves') throw new Error('stock moves are validated before they are stored');
  await runChecks(input, trx, { duplicates: false, references: false });
}

async function runChecks(
  input: ValidateInput,
  db: Kysely<DB>,
  opts: { duplicates: boolean; references: boolean } = { duplicates: true, references: true },
): Promise<void> {
  if (opts.references) await checkReferences(input, db);
  trace('refs');
  if (opts.duplicates) await checkDuplicateKeys(input, db);
  trace('dups');
  if (input.def.key === 'subscribers') await checkPackageProduct(input, db);
  if (input.def.key === 'stock_moves') {
    await checkSerialized(input, db);
    await checkStock(input, db);
  }
}

/**
 * Every reference column in one scan of the staged rows: a left (hash) join per referenced table, and
 * one error per unknown code, in column order within a row.
 */
async function checkReferences(input: ValidateInput, db: Kysely<DB>): Promise<void> {
  const { def, st } = input;
  const refCols = referenceColumns(def);
  if (refCols.length === 0) return;
  const parts = refCols.map(({ col, ref }, i) => {
    const v = sql.ref(`s.${col.key}`);
    const alias = `r${i}`;
    const refKey = ref.keyColumns[0] as string;
    const missing = sql`${v} is not null and ${sql.ref(`${alias}.${refKey}`)} is null`;
    return {
      join: sql`left join ${sql.table(ref.table)} ${sql.table(alias)} on ${sql.ref(`${alias}.${refKey}`)} = ${v}`,
      missing,
      error: sql`case when ${missing} then ${errorJson(
        sql`s.row_no`,
        colName(input, col.key),
        sql`${v}::text`,
        sql`format(${`${col.zh}「%s」不存在：${ref.zh}中没有这个编码`}::text, ${v})`,
        sql`format(${`unknown ${col.key} "%s": it is not in ${ref.key}`}::text, ${v})`,
      )} end`,
    };
  });
  await sql`insert into ${sql.table(st.errors)} (row_no, errors)
    select b.row_no, x.err from (
      select s.row_no, ${sql.join(parts.map((p, i) => sql`${p.error} as ${sql.ref(`e${i}`)}`))}
      from ${sql.table(st.rows)} s ${sql.join(
        parts.map((p) => p.join),
        sql` `,
      )}
      where ${sql.join(
        parts.map((p) => sql`(${p.missing})`),
        sql` or `,
      )}) b
    cross join lateral (values ${sql.join(parts.map((_, i) => sql`(${i}, ${sql.ref(`b.e${i}`)})`))}) x(i, err)
    where x.err is not null
    order by b.row_no, x.i`.execute(db);
}

const keyText = (def: DatasetDef, alias: string) =>
  sql`concat_ws(' / ', ${sql.join(def.keyColumns.map((k) => sql`${sql.ref(`${alias}.${k}`)}::text`))})`;

/**
 * The later rows of a key seen twice, naming the first. Keys are grouped by hash first, so the sort behind
 * the window function only ever sees the (usually no) repeated keys.
 */
async function checkDuplicateKeys(input: ValidateInput, db: Kysely<DB>): Promise<void> {
  const { def, st } = input;
  const keys = def.keyColumns.map((k) => sql.ref(k));
  const first = def.keyColumns[0] as string;
  await sql`insert into ${sql.table(st.errors)} (row_no, errors)
    select d.row_no, ${errorJson(
      sql`d.row_no`,
      colName(input, first),
      sql`d.k`,
      sql`format('与第 %s 行重复：同一个键「%s」在文件中出现了两次', d.first_row, d.k)`,
      sql`format('duplicate of row %s: the key "%s" appears twice in the file', d.first_row, d.k)`,
    )}
    from (select s.row_no, ${keyText(def, 's')} as k, min(s.row_no) over (partition by ${sql.join(keys)}) as first_row
          from ${sql.table(st.rows)} s
          where (${sql.join(keys)}) in (select ${sql.join(keys)} from ${sql.table(st.rows)} group by ${sql.join(keys)} having count(*) > 1)) d
    where d.row_no > d.first_row`.execute(db);
}

async function checkPackageProduct(input: ValidateInput, db: Kysely<DB>): Promise<void> {
  const { st } = input;
  await sql`insert into ${sql.table(st.errors)} (row_no, errors)
    select s.row_no, ${errorJson(
      sql`s.row_no`,
      colName(input, 'package_code'),
      sql`s.package_code`,
      sql`format('套餐「%s」属于业务「%s」，与本行业务编码「%s」不一致', s.package_code, p.product_code, s.product_code)`,
      sql`format('package "%s" belongs to product "%s", not to this row''s product_code "%s"', s.package_code, p.product_code, s.product_code)`,
    )}
    from ${sql.table(st.rows)} s join packages p on p.package_code = s.package_code
    where p.product_code <> s.product_code`.execute(db);
}

async function checkSerialized(input: ValidateInput, db: Kysely<DB>): Promise<void> {
  const { st } = input;
  await sql`insert into ${sql.table(st.errors)} (row_no, errors)
    select s.row_no, ${errorJson(
      sql`s.row_no`,
      colName(input, 'quantity'),
      sql`s.quantity::text`,
      sql`format('物料「%s」按串号管理，数量必须为 1', s.item_code)`,
      sql`format('item "%s" is serialized: quantity must be exactly 1', s.item_code)`,
    )}
    from ${sql.table(st.rows)} s join items i on i.item_code = s.item_code
    where i.serialized and s.quantity <> 1`.execute(db);
  await sql`insert into ${sql.table(st.errors)} (row_no, errors)
    select s.row_no, ${errorJson(
      sql`s.row_no`,
      colName(input, 'terminal_sn'),
      sql`null::text`,
      sql`format('物料「%s」按串号管理，必须填写终端串号', s.item_code)`,
      sql`format('item "%s" is serialized: terminal_sn is required', s.item_code)`,
    )}
    from ${sql.table(st.rows)} s join items i on i.item_code = s.item_code
    where i.serialized and s.terminal_sn is null`.execute(db);
}

/**
 * Every stock event of the groups the file touches: the file's valid rows ('new'), the stored moves they
 * replace ('old', in the warehouse and item they are stored in), and the other stored moves of those
 * groups ('stored'). The groups are the pairs of the valid rows and of the stored moves they replace: a
 * row that moves a stored move elsewhere takes stock out of the pair the move leaves.
 */
function stockEvents(st: Staging) {
  return sql`with v as (
      select s.row_no, s.warehouse_code, s.item_code, s.moved_at, s.move_id, s.move_type, s.quantity
      from ${sql.table(st.rows)} s
      where not exists (select 1 from ${sql.table(st.errors)} e where e.row_no = s.row_no)),
    r as (
      select v.row_no, m.warehouse_code, m.item_code, m.moved_at, m.move_id, m.move_type, m.quantity
      from v join stock_moves m on m.move_id = v.move_id),
    ev as (
      select v.warehouse_code, v.item_code, v.moved_at, v.move_id, ${moveDeltaSql('v')} as delta, 'new'::text as version,
        v.row_no, (r.row_no is not null) as replaces
      from v left join r on r.row_no = v.row_no
      union all
      select r.warehouse_code, r.item_code, r.moved_at, r.move_id, ${moveDeltaSql('r')}, 'old', r.row_no, false from r
      union all
      select m.warehouse_code, m.item_code, m.moved_at, m.move_id, ${moveDeltaSql('m')}, 'stored', null::integer, false
      from stock_moves m
      where (m.warehouse_code, m.item_code) in (
          select warehouse_code, item_code from v union select warehouse_code, item_code from r)
        and not exists (select 1 from r where r.move_id = m.move_id))`;
}

/** A round of resolution loads the events of this many groups at most, unless one group alone has more. */
const LOAD_EVENTS = 200_000;
const LOAD_GROUPS = 1_000;

type Group = { warehouse_code: string; item_code: string; n: number };

type EventRow = {
  warehouse_code: string;
  item_code: string;
  pos: number;
  move_id: string;
  moved_at: string;
  delta: number;
  version: 'stored' | 'old' | 'new';
  row_no: number | null;
  replaces: boolean;
};

/**
 * Stock never below zero (see stock.ts for the rule). Set-based SQL finds the groups where the stock,
 * with every valid row landed, would fall below its floor (zero, or the stored stock where that already
 * is negative); only those groups are loaded and resolved. A rejected row puts the stored version it
 * replaces back, maybe into another group, so with allow-partial the groups are checked again until none
 * is below its floor: every round rejects at least one more row, so this ends. Without allow-partial one
 * error per group is enough: the file is rejected anyway.
 */
async function checkStock(input: ValidateInput, db: Kysely<DB>): Promise<void> {
  const { st, database } = input;
  const ev = stockEvents(st);
  for (;;) {
    const groups = await sql<Group>`${ev}
      select x.warehouse_code, x.item_code, max(x.n)::int as n from (
        select e.warehouse_code, e.item_code,
          sum(case when e.version <> 'old' then e.delta else 0 end) over w as bal,
          sum(case when e.version <> 'new' then e.delta else 0 end) over w as stored_bal,
          count(*) over (partition by e.warehouse_code, e.item_code) as n
        from ev e
        window w as (partition by e.warehouse_code, e.item_code order by e.moved_at, e.move_id)) x
      where x.bal < least(0, x.stored_bal)
      group by 1, 2 order by 1, 2`.execute(db);
    if (groups.rows.length === 0) return;
    const errors: RowError[] = [];
    for (const chunk of groupChunks(groups.rows)) {
      const events = await sql<EventRow>`${ev}
        select e.warehouse_code, e.item_code,
          (dense_rank() over (partition by e.warehouse_code, e.item_code order by e.moved_at, e.move_id) - 1)::int as pos,
          e.move_id, ${movedAtText('e')} as moved_at, e.delta, e.version, e.row_no, e.replaces
        from ev e
        where (e.warehouse_code, e.item_code) in (${sql.join(chunk.map((g) => sql`(${g.warehouse_code}, ${g.item_code})`))})
        order by e.warehouse_code, e.item_code, e.moved_at, e.move_id, e.version`.execute(db);
      for (const [g, list] of byGroup(events.rows)) {
        const rejects = resolveStock(list.map(toStockEvent));
        for (const r of input.allowPartial ? rejects : rejects.slice(0, 1)) {
          errors.push(stockError(colName(input, 'move_id'), g, r));
        }
      }
    }
    // cannot happen (a group below its floor always has a row to blame); never loop without progress
    if (errors.length === 0)
      throw new Error('stock check: a group is below its floor but no row was rejected');
    const csv = errors.map((e) => `${e.row ?? 0},${csvField(JSON.stringify([e]))}\n`).join('');
    await database.copyRows(st.errors, ['row_no', 'errors'], csv);
    if (!input.allowPartial) return;
  }
}

function* groupChunks(groups: readonly Group[]): Generator<Group[]> {
  let chunk: Group[] = [];
  let size = 0;
  for (const g of groups) {
    if (chunk.length > 0 && (size + g.n > LOAD_EVENTS || chunk.length >= LOAD_GROUPS)) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(g);
    size += g.n;
  }
  if (chunk.length > 0) yield chunk;
}

function byGroup(rows: readonly EventRow[]): [{ warehouse_code: string; item_code: string }, EventRow[]][] {
  const out: [{ warehouse_code: string; item_code: string }, EventRow[]][] = [];
  for (const e of rows) {
    const last = out[out.length - 1];
    if (last && last[0].warehouse_code === e.warehouse_code && last[0].item_code === e.item_code)
      last[1].push(e);
    else out.push([{ warehouse_code: e.warehouse_code, item_code: e.item_code }, [e]]);
  }
  return out;
}

function toStockEvent(e: EventRow): StockEvent {
  const base = { pos: e.pos, moveId: e.move_id, movedAt: e.moved_at, delta: e.delta };
  if (e.version === 'stored' || e.row_no === null) return { ...base, version: 'stored' };
  if (e.version === 'old') return { ...base, version: 'old', rowNo: e.row_no };
  return { ...base, version: 'new', rowNo: e.row_no, replaces: e.replaces };
}

function stockError(
  column: string,
  g: { warehouse_code: string; item_code: string },
  r: StockReject,
): RowError {
  const where_zh = `仓库「${g.warehouse_code}」物料「${g.item_code}」`;
  const where_en = `item "${g.item_code}" in warehouse "${g.warehouse_code}"`;
  const common = { row: r.rowNo, column, value: r.moveId };
  if (r.replaces) {
    return {
      ...common,
      message_zh: `出入库单「${r.moveId}」的修改会使${where_zh}在出入库单「${r.at.moveId}」（${r.at.movedAt}）处的库存为 ${r.balance}，库存不能为负`,
      message_en: `the change to move "${r.moveId}" would leave the stock of ${where_en} at ${r.balance} at move "${r.at.moveId}" (${r.at.movedAt}); stock can never be negative`,
    };
  }
  return r.at.moveId === r.moveId
    ? {
        ...common,
        message_zh: `出入库单「${r.moveId}」之后${where_zh}的库存为 ${r.balance}，库存不能为负`,
        message_en: `after move "${r.moveId}" the stock of ${where_en} would be ${r.balance}; stock can never be negative`,
      }
    : {
        ...common,
        message_zh: `出入库单「${r.moveId}」会使之后的出入库单「${r.at.moveId}」（${r.at.movedAt}）处${where_zh}的库存为 ${r.balance}，库存不能为负`,
        message_en: `move "${r.moveId}" would leave the stock of ${where_en} at ${r.balance} at the later move "${r.at.moveId}" (${r.at.movedAt}); stock can never be negative`,
      };
}
