import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../../db/connect.js';
import { DATASETS, type DatasetDef, type DatasetKey } from '../../datasets/index.js';
import type { RowError } from '../../core/errors.js';
import { ImportFileError, openDatasetFile, type OpenedFile } from '../open-file.js';
import { applyBatch, type Counts } from './apply.js';
import { withDatasetLock } from './dataset-lock.js';
import {
  CopyBuffer,
  createStaging,
  csvField,
  dropOrphanStaging,
  dropStaging,
  newStaging,
  OneInFlight,
  CHUNK_BYTES,
  CHUNK_ROWS,
  type Staging,
} from './staging.js';
import { validateStaged } from './validate.js';
import { referencesSeen } from './references.js';
import { DIRECT_MIN_ROWS, directEligible, importDirect } from './direct-load.js';
import { trace } from './trace.js';
import { RowCopyBuffer } from './copy-binary.js';

export type ImportStatus = 'imported' | 'partial' | 'rejected' | 'already_imported';
export type ImportResult = {
  file: string;
  dataset: DatasetKey;
  status: ImportStatus;
  batch_id: number | null;
  counts: Counts;
  unknown_columns: string[];
  errors: RowError[];
};
export type ImportProgress = { rows: number; rowsPerSec: number; percent: number };
export type ImportFileOptions = {
  dataset: DatasetKey;
  filePath: string;
  /** name recorded in the batch (uploads keep the user's name); default the path's base name */
  fileName?: string;
  actor: string;
  allowPartial?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Files estimated to hold at least this many rows try the direct path on PostgreSQL (direct-load.ts);
   * default DIRECT_MIN_ROWS. Tests lower it to take that path with small files.
   */
  directMinRows?: number;
};

/** The report keeps at most this many errors in memory and in the batch record; import_rejects has them all. */
export const MAX_REPORTED_ERRORS = 10_000;

const zeroCounts = (): Counts => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 });

export async function sha256File(filePath: string): Promise<string> {
  const h = crypto.createHash('sha256');
  // 1 MiB reads (64 KiB makes hashing a 60 MB extract twice as slow) into one buffer used again and
  // again: a stream allocates a new one per read, ~30 MiB of garbage at the start of every big import
  const buf = Buffer.allocUnsafe(1 << 20);
  const fh = await fs.promises.open(filePath, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

/**
 * Import one file of one dataset: stream it into per-import staging tables in chunks, validate the
 * staged rows set-based, then apply in one short transaction (applyBatch). Default all-or-nothing;
 * with allowPartial the good rows land and the bad ones are kept as rejects.
 */
export async function importFile(database: Database, opts: ImportFileOptions): Promise<ImportResult> {
  const def = DATASETS[opts.dataset];
  const fileName = opts.fileName ?? path.basename(opts.filePath);
  return withDatasetLock(database, opts.dataset, async () => {
    const startedAt = new Date();
    await dropOrphanStaging(database);
    const hash = await sha256File(opts.filePath);
    trace('hash');
    const base = { file: fileName, dataset: def.key };
    const landed = await database.db
      .selectFrom('import_batches')
      .select('batch_id')
      .where('dataset', '=', def.key)
      .where('file_hash', '=', hash)
      .where('status', 'in', ['imported', 'partial'])
      .orderBy('batch_id', 'desc')
      .executeTakeFirst();
    if (landed) {
      return {
        ...base,
        status: 'already_imported',
        batch_id: Number(landed.batch_id),
        counts: zeroCounts(),
        unknown_columns: [],
        errors: [],
      };
    }
    const common = {
      def,
      fileName,
      hash,
      actor: opts.actor,
      allowPartial: opts.allowPartial ?? false,
      startedAt,
    };

    if (directEligible(database, def)) {
      const onProgress = opts.onProgress;
      const direct = await importDirect(database, {
        ...common,
        filePath: opts.filePath,
        minRows: opts.directMinRows ?? DIRECT_MIN_ROWS,
        onProgress: onProgress && ((rows, file) => reportProgress(file, rows, startedAt, onProgress)),
      });
      if (direct !== null) {
        onProgress?.({
          rows: direct.counts.read,
          rowsPerSec: rate(direct.counts.read, startedAt),
          percent: 100,
        });
        return {
          ...base,
          status: 'imported',
          batch_id: direct.batchId,
          counts: direct.counts,
          unknown_columns: direct.unknownColumns,
          errors: [],
        };
      }
    }

    let opened: OpenedFile;
    try {
      opened = await openDatasetFile(opts.filePath, def);
    } catch (e) {
      if (!(e instanceof ImportFileError)) throw e;
      return rejectWhole(database, common, base, e.errors, [], 0);
    }

    const st = newStaging();
    await createStaging(database, def, st);
    trace('open');
    try {
      let read: number;
      try {
        read = await stageRows(database, def, st, opened, opts.onProgress);
      } catch (e) {
        if (!(e instanceof ImportFileError)) throw e;
        return await rejectWhole(database, common, base, e.errors, opened.unknownColumns, 0);
      }
      trace('staged');
      await sql`analyze ${sql.table(st.rows)}`.execute(database.db);
      trace('analyze');
      const refsSeen = await referencesSeen(database, def);
      await validateStaged({
        database,
        def,
        st,
        columnOf: opened.columnOf,
        allowPartial: opts.allowPartial ?? false,
      });

      trace('validate');
      const bad = await sql<{ n: number; missing: number }>`select count(distinct row_no)::int as n,
          count(distinct row_no) filter (where raw is null)::int as missing from ${sql.table(st.errors)}`.execute(
        database.db,
      );
      const rejected = bad.rows[0]?.n ?? 0;
      const status = rejected === 0 ? 'imported' : opts.allowPartial ? 'partial' : 'rejected';
      if (rejected > 0) {
        // rejects keep the row as written: fetch it for rows that failed a set-based check
        if ((bad.rows[0]?.missing ?? 0) > 0) await fillRawOfRejects(database, def, st, opts.filePath);
        await sql`delete from ${sql.table(st.rows)} s using ${sql.table(st.errors)} e where e.row_no = s.row_no`.execute(
          database.db,
        );
      }
      const errors = await reportedErrors(database, st);
      trace('errors');
      const { batchId, counts } = await applyBatch(database, {
        ...common,
        st,
        status,
        read,
        rejected,
        unknownColumns: opened.unknownColumns,
        errors,
        refsSeen,
      });
      trace('apply');
      opts.onProgress?.({ rows: read, rowsPerSec: rate(read, startedAt), percent: 100 });
      return { ...base, status, batch_id: batchId, counts, unknown_columns: opened.unknownColumns, errors };
    } finally {
      await dropStaging(database, st);
    }
  });
}

const rate = (rows: number, since: Date) =>
  Math.round(rows / Math.max(0.001, (Date.now() - since.getTime()) / 1000));

/** Progress while rows are read: the share of the file's bytes read so far (100 only when applied). */
export function reportProgress(
  opened: OpenedFile,
  read: number,
  started: Date,
  onProgress: (p: ImportProgress) => void,
): void {
  const p = opened.progress();
  const percent = p.bytesTotal > 0 ? Math.min(99, Math.floor((p.bytesRead / p.bytesTotal) * 100)) : 0;
  onProgress({ rows: read, rowsPerSec: rate(read, started), percent });
}

async function rejectWhole(
  database: Database,
  common: {
    def: DatasetDef;
    fileName: string;
    hash: string;
    actor: string;
    allowPartial: boolean;
    startedAt: Date;
  },
  base: { file: string; dataset: DatasetKey },
  errors: RowError[],
  unknownColumns: string[],
  read: number,
): Promise<ImportResult> {
  const { batchId, counts } = await applyBatch(database, {
    ...common,
    st: null,
    status: 'rejected',
    read,
    rejected: 0,
    unknownColumns,
    errors,
    refsSeen: null,
  });
  return { ...base, status: 'rejected', batch_id: batchId, counts, unknown_columns: unknownColumns, errors };
}

async function stageRows(
  database: Database,
  def: DatasetDef,
  st: Staging,
  opened: OpenedFile,
  onProgress: ImportFileOptions['onProgress'],
): Promise<number> {
  const cols = def.columns.map((c) => c.key);
  const started = new Date();
  let read = 0;
  const rows = await RowCopyBuffer.forTable(database.db, st.rows, ['row_no', ...cols], {
    reuse: database.engine === 'postgres',
  });
  const errs = new CopyBuffer(64 << 10);
  const loads = new OneInFlight();
  const flush = async () => {
    const rowsData = rows.rows > 0 ? rows.take() : null;
    const errsCsv = errs.rows > 0 ? errs.take() : null;
    await loads.send(async () => {
      if (rowsData) {
        await database.copyRows(rows.table, rows.columns, rowsData, rows.format);
        rows.recycle(rowsData);
      }
      if (errsCsv) await database.copyRows(st.errors, ['row_no', 'raw', 'errors'], errsCsv);
    });
    if (onProgress) reportProgress(opened, read, started, onProgress);
  };
  try {
    for await (const batch of opened.batches) {
      for (const row of batch) {
        read++;
        const v = row.values;
        if (v !== null && row.errors.length === 0) {
          const values: unknown[] = [row.rowNo];
          for (const c of cols) values.push(v[c]);
          rows.push(values);
        } else {
          errs.push(
            `${row.rowNo},${csvField(JSON.stringify(Object.entries(row.raw)))},${csvField(JSON.stringify(row.errors))}\n`,
          );
        }
        if (rows.rows + errs.rows >= CHUNK_ROWS || rows.bytes + errs.bytes >= CHUNK_BYTES) await flush();
      }
    }
    await flush();
  } finally {
    // a reader failure (ImportFileError) must not leave a COPY running into the dropped staging tables
    await loads.settle();
  }
  await loads.drain();
  return read;
}

/** Raw cells are kept as [header, value] pairs: jsonb objects do not keep the file's column order. */
/** Second pass over the file for the original cells of rows that failed a set-based check. */
async function fillRawOfRejects(
  database: Database,
  def: DatasetDef,
  st: Staging,
  filePath: string,
): Promise<void> {
  const r = await sql<{
    row_no: number;
  }>`select distinct row_no from ${sql.table(st.errors)} where raw is null`.execute(database.db);
  const wanted = new Set(r.rows.map((x) => x.row_no));
  const opened = await openDatasetFile(filePath, def);
  let buf: string[] = [];
  for await (const row of opened.rows) {
    if (!wanted.has(row.rowNo)) continue;
    buf.push(`${row.rowNo},${csvField(JSON.stringify(Object.entries(row.raw)))},"[]"\n`);
    if (buf.length >= CHUNK_ROWS) {
      await database.copyRows(st.errors, ['row_no', 'raw', 'errors'], buf.join(''));
      buf = [];
    }
  }
  if (buf.length > 0) await database.copyRows(st.errors, ['row_no', 'raw', 'errors'], buf.join(''));
}

async function reportedErrors(database: Database, st: Staging): Promise<RowError[]> {
  const r = await sql<{ err: unknown }>`select x.err from ${sql.table(st.errors)} e
    cross join lateral jsonb_array_elements(e.errors) with ordinality x(err, i)
    order by e.row_no, x.i limit ${MAX_REPORTED_ERRORS}`.execute(database.db);
  return r.rows.map((x) =>
    typeof x.err === 'string' ? (JSON.parse(x.err) as RowError) : (x.err as RowError),
  );
}
