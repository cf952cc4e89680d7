import { sql } from 'kysely';
import type { Database } from './connect.js';
import { Conflict } from '../core/errors.js';

type TableInfo = { table: string; columns: string[]; deps: string[] };

/** Tables of the public schema with their non-generated columns and the tables they reference. */
async function tablesOf(db: Database): Promise<TableInfo[]> {
  const cols = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and is_generated = 'NEVER'
      and table_name not like 'kysely_%'
      and table_name in (select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE')
    order by table_name, ordinal_position`.execute(db.db);
  const fks = await sql<{ child: string; parent: string }>`
    select distinct c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = 'public'`.execute(db.db);
  const map = new Map<string, TableInfo>();
  for (const r of cols.rows) {
    const t = map.get(r.table_name) ?? { table: r.table_name, columns: [], deps: [] };
    t.columns.push(r.column_name);
    map.set(r.table_name, t);
  }
  const unq = (s: string) => s.replace(/^"|"$/g, '');
  for (const f of fks.rows) {
    const child = map.get(unq(f.child));
    if (child && unq(f.parent) !== child.table) child.deps.push(unq(f.parent));
  }
  // topological order: parents first
  const out: TableInfo[] = [];
  const seen = new Set<string>();
  const visit = (t: TableInfo) => {
    if (seen.has(t.table)) return;
    seen.add(t.table);
    for (const d of t.deps) {
      const p = map.get(d);
      if (p) visit(p);
    }
    out.push(t);
  };
  [...map.values()].sort((a, b) => a.table.localeCompare(b.table)).forEach(visit);
  return out;
}

/** Tables the migrations seed with a row of their own: the source's rows replace it. */
const SEEDED = new Set(['reference_version']);

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Copy every table (rows and sequence positions) from one database to another whose schema is at the
 * same migration and which holds no data yet. Returns the row count per table.
 */
export async function copyDatabase(source: Database, target: Database): Promise<[string, number][]> {
  const tables = await tablesOf(source);
  for (const t of tables) {
    if (SEEDED.has(t.table)) continue;
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t.table)}`.execute(
      target.db,
    );
    if ((r.rows[0]?.n ?? 0) > 0) {
      throw new Conflict(
        `目标数据库的表 ${t.table} 不为空`,
        `target table ${t.table} is not empty; copy needs an empty database`,
      );
    }
  }
  const counts: [string, number][] = [];
  for (const t of tables) {
    const cols = t.columns.map(q).join(', ');
    if (SEEDED.has(t.table)) await sql`delete from ${sql.table(t.table)}`.execute(target.db);
    // the rows are copied as they are: the target's triggers (stale marks, month rollups, reference
    // version) must not add rows of their own that the copy then brings again
    await sql`alter table ${sql.table(t.table)} disable trigger user`.execute(target.db);
    let n = 0;
    let buf = '';
    for await (const chunk of source.copyOut(`select ${cols} from ${q(t.table)}`)) {
      buf += chunk;
      if (buf.length > 8 << 20) {
        const cut = buf.lastIndexOf('\n', buf.length - 1);
        // chunks from copyOut end on row boundaries
        n += await target.copyRows(t.table, t.columns, buf.slice(0, cut + 1));
        buf = buf.slice(cut + 1);
      }
    }
    if (buf) n += await target.copyRows(t.table, t.columns, buf);
    await sql`alter table ${sql.table(t.table)} enable trigger user`.execute(target.db);
    counts.push([t.table, n]);
  }
  // serial sequences continue after the copied ids
  const seqs = await sql<{ tbl: string; col: string; seq: string }>`
    select c.table_name as tbl, c.column_name as col, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) as seq
    from information_schema.columns c
    where c.table_schema = 'public' and c.column_default like 'nextval(%'`.execute(target.db);
  for (const s of seqs.rows) {
    await sql`select setval(${s.seq}::regclass, coalesce((select max(${sql.ref(s.col)}) from ${sql.table(s.tbl)}), 0) + 1, false)`.execute(
      target.db,
    );
  }
  return counts;
}
