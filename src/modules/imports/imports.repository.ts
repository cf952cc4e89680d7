import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { RowError } from '../../core/errors.js';

export type BatchSummary = {
  batch_id: number;
  dataset: string;
  file_name: string;
  file_hash: string;
  actor: string;
  status: string;
  allow_partial: boolean;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: { read: number; inserted: number; updated: number; unchanged: number; rejected: number };
  unknown_columns: string[];
  undone_at: string | null;
  undone_by: string | null;
};
export type BatchDetail = BatchSummary & { errors: RowError[] };

type Row = Omit<BatchSummary, 'counts' | 'unknown_columns'> & {
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  unknown_columns: unknown;
  errors?: unknown;
};

const json = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T | null) ?? fallback);

const shape = (r: Row): BatchSummary => ({
  batch_id: Number(r.batch_id),
  dataset: r.dataset,
  file_name: r.file_name,
  file_hash: r.file_hash,
  actor: r.actor,
  status: r.status,
  allow_partial: r.allow_partial,
  started_at: r.started_at,
  finished_at: r.finished_at,
  duration_ms: r.duration_ms,
  counts: {
    read: r.rows_read,
    inserted: r.rows_inserted,
    updated: r.rows_updated,
    unchanged: r.rows_unchanged,
    rejected: r.rows_rejected,
  },
  unknown_columns: json<string[]>(r.unknown_columns, []),
  undone_at: r.undone_at,
  undone_by: r.undone_by,
});

const COLUMNS = sql`batch_id, dataset, file_name, file_hash, actor, status, allow_partial, started_at::text as started_at,
  finished_at::text as finished_at, duration_ms, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected,
  unknown_columns, undone_at::text as undone_at, undone_by`;

export async function listBatches(
  db: Kysely<DB>,
  q: { dataset?: string; page: number; pageSize: number },
): Promise<{ items: BatchSummary[]; total: number }> {
  const where = q.dataset ? sql`where dataset = ${q.dataset}` : sql``;
  const total = await sql<{ n: number }>`select count(*)::int as n from import_batches ${where}`.execute(db);
  const rows = await sql<Row>`select ${COLUMNS} from import_batches ${where}
    order by batch_id desc limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`.execute(db);
  return { items: rows.rows.map(shape), total: total.rows[0]?.n ?? 0 };
}

export async function getBatch(db: Kysely<DB>, batchId: number): Promise<BatchDetail | null> {
  const r = await sql<Row>`select ${COLUMNS}, errors from import_batches where batch_id = ${batchId}`.execute(
    db,
  );
  const row = r.rows[0];
  return row ? { ...shape(row), errors: json<RowError[]>(row.errors, []) } : null;
}

/** raw: the row's cells as [header as written, value] pairs, in file order */
export type RejectRow = { row_no: number; raw: [string, string][]; errors: RowError[] };

/** Rejected rows of a batch, in file order, one page at a time (keyset on row_no). */
export async function rejectsPage(
  db: Kysely<DB>,
  batchId: number,
  afterRowNo: number,
  limit: number,
): Promise<RejectRow[]> {
  const r = await sql<{
    row_no: number;
    raw: unknown;
    errors: unknown;
  }>`select row_no, raw, errors from import_rejects
    where batch_id = ${batchId} and row_no > ${afterRowNo} order by row_no limit ${limit}`.execute(db);
  return r.rows.map((x) => ({
    row_no: x.row_no,
    raw: json<[string, string][]>(x.raw, []),
    errors: json<RowError[]>(x.errors, []),
  }));
}
