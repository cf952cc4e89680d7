import fs from 'node:fs';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, CopyFn } from '../../db/connect.js';
import type { DB } from '../../db/schema.js';
import type { DatasetDef } from '../../datasets/index.js';
import { ImportFileError, openDatasetFile, type OpenedFile, type ParsedRow } from '../open-file.js';
import {
  afterApplied,
  applyInTransaction,
  insertBatchRecord,
  type ApplyInput,
  type Counts,
} from './apply.js';
import { buildIndexes, dropIndexesForLoad, worthIndexBuild } from './bulk-load.js';
import { describeNewRowsCheckingRefs } from './change.js';
import { lockReferencedTables } from './references.js';
import { newStaging, OneInFlight, type Staging } from './staging.js';
import { RowCopyBuffer } from './copy-binary.js';
import { trace } from './trace.js';
import { validateStagedIn } from './validate.js';

/*
 * The direct path (PostgreSQL only) for a first load: a large file of new rows into a table that holds
 * fewer than half as many. Inside the one applying transaction, opened before the first chunk, the
 * table's indexes are dropped, each chunk is COPYed straight into the table while the next is parsed,
 * the indexes are built again (the unique one is the duplicate-key check), the rows are validated where
 * they are (the staged path's checks, over a view of this batch's rows) and the batch is finished by the
 * staged path's own applyInTransaction.
 *
 * Why: the staged path writes every row twice, the second time (INSERT … SELECT into the table, with
 * its WAL and its indexes) only after the whole file was read, while the other core is idle. Here the
 * one write overlaps the reading and parsing of the file and the indexes are sorted once. Measured:
 * bench/results/import.json.
 *
 * It is optimistic: anything it cannot do exactly like the staged path — a row that does not parse, a
 * reference that is not there, a key already stored or seen twice in the file, a file-level error, the
 * table's lock not free — rolls the transaction back (nothing was ever visible) and the file is imported
 * again on the staged path, which reports exactly what it always reports. That costs a second reading
 * only for such files.
 *
 * What it changes for others while it runs: the referenced tables are locked against writers (SHARE)
 * and the table against readers (ACCESS EXCLUSIVE, taken only when free within 2 s) for the length of
 * the import instead of the length of the apply; a first load of a table has few readers. Not on the
 * embedded engine: a transaction open through the whole file would hold its only connection and stop
 * every other request for that long.
 */

/** Files estimated to hold fewer rows than this take the staged path. */
export const DIRECT_MIN_ROWS = 100_000;

/** Rows read before deciding: the estimate of the file's rows is taken from them. */
const PROBE_ROWS = 10_000;
/**
 * Rows per COPY. Larger than the staged path's chunks: nothing else waits for this connection between
 * them, and every COPY is a statement whose triggers run once (the stale marks over its transition
 * table). Measured, 1M bills: 3.5 s to load in 10,000-row chunks, 2.1 s in 100,000-row ones; payments
 * 3.7 s → 3.1 s (100,000) → 2.8 s (250,000). The bytes bound keeps memory flat for wide rows.
 */
const DIRECT_CHUNK_ROWS = 200_000;
const PROGRESS_ROWS = 10_000;
const DIRECT_CHUNK_BYTES = 32 << 20;
/** No dataset's line (a key, a month, an amount, separators) is shorter than this. */
const MIN_ROW_BYTES = 8;
const UNIQUE_VIOLATION = '23505';

/** How this process's latest direct attempt ended: 'loaded', or why it gave up (tests, diagnostics). */
let lastOutcome = '';
export const lastDirectOutcome = (): string => lastOutcome;

const TABLE_NOT_FREE = 'the table holds too many rows or is in use';

/** The direct path gives up: the file goes the staged way. */
class GiveUp extends Error {}

export type DirectInput = {
  def: DatasetDef;
  filePath: string;
  fileName: string;
  hash: string;
  actor: string;
  allowPartial: boolean;
  startedAt: Date;
  /** rows below which a file goes the staged way (tests make it small) */
  minRows: number;
  /** rows per COPY (default DIRECT_CHUNK_ROWS; tests make it small) */
  chunkRows?: number;
  onProgress?: (rows: number, opened: OpenedFile) => void;
};

/** Whether a dataset may take the direct path at all. */
export function directEligible(database: Database, def: DatasetDef): boolean {
  // stock moves: their stock check reads the stored moves, which here would already hold the file's
  return database.pinned !== undefined && def.kind !== 'reference' && def.key !== 'stock_moves';
}

/**
 * Import the file on the direct path. Null when the file goes the staged way instead (too small to
 * gain, or something the staged path must report): nothing was written then.
 */
export async function importDirect(
  database: Database,
  p: DirectInput,
): Promise<{ batchId: number; counts: Counts; unknownColumns: string[] } | null> {
  if (!database.pinned) return null;
  // a file too small to hold minRows rows of even the shortest lines is not worth the probe
  if ((await fs.promises.stat(p.filePath)).size < p.minRows * MIN_ROW_BYTES) {
    lastOutcome = 'gave up: too few rows';
    return null;
  }
  lastOutcome = 'gave up: the file cannot be read';
  let opened: OpenedFile;
  try {
    opened = await openDatasetFile(p.filePath, p.def);
  } catch (e) {
    if (e instanceof ImportFileError) return null;
    throw e;
  }
  const batches = opened.batches[Symbol.asyncIterator]();
  try {
    const probe: ParsedRow[] = [];
    let done = false;
    try {
      while (probe.length < PROBE_ROWS) {
        const r = await batches.next();
        if (r.done) {
          done = true;
          break;
        }
        const bad = r.value.find((row) => row.values === null || row.errors.length > 0);
        if (bad) {
          lastOutcome = `gave up: row ${bad.rowNo} does not parse`;
          return null;
        }
        for (const row of r.value) probe.push(row);
      }
    } catch (e) {
      if (!(e instanceof ImportFileError)) throw e;
      lastOutcome = 'gave up: the file became unreadable';
      return null;
    }
    const { bytesRead, bytesTotal } = opened.progress();
    const estimate = done ? probe.length : Math.round((probe.length * bytesTotal) / Math.max(1, bytesRead));
    if (estimate < p.minRows) {
      lastOutcome = 'gave up: too few rows';
      return null;
    }
    // a table already holding more than half the file (the steady state) goes the staged way before
    // any connection, lock or batch record is taken; asked again under the locks below
    if (!(await worthIndexBuild(database.db, p.def.table, estimate, p.minRows))) {
      lastOutcome = `gave up: ${TABLE_NOT_FREE}`;
      return null;
    }
    trace('direct: probe');

    const applied = await database.pinned((db, copy) =>
      inTransaction(db, copy, database, p, opened, probe, batches, estimate),
    );
    if (applied === null) return null;
    lastOutcome = 'loaded';
    await afterApplied(database, p.def, applied.counts);
    return { ...applied, unknownColumns: opened.unknownColumns };
  } finally {
    await batches.return?.();
  }
}

async function inTransaction(
  db: Kysely<DB>,
  copy: CopyFn,
  database: Database,
  p: DirectInput,
  opened: OpenedFile,
  probe: ParsedRow[],
  rest: AsyncIterator<ParsedRow[]>,
  estimate: number,
): Promise<{ batchId: number; counts: Counts } | null> {
  const { def } = p;
  // "staging" of this path: a view of the batch's rows and a table for the checks' errors, both
  // temporary and dropped before commit
  const st = newStaging();
  const input: ApplyInput = {
    def,
    st,
    status: 'imported',
    fileName: p.fileName,
    hash: p.hash,
    actor: p.actor,
    allowPartial: p.allowPartial,
    startedAt: p.startedAt,
    read: 0,
    rejected: 0,
    unknownColumns: opened.unknownColumns,
    errors: [],
    refsSeen: null,
  };
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`set local work_mem = '128MB'`.execute(trx);
      // the references are validated and the rows applied in this one transaction: no writer of the
      // referenced tables in between
      await lockReferencedTables(trx, def);
      const dropped = await dropIndexesForLoad(trx, database.engine, def.table, estimate, p.minRows);
      if (dropped === null) throw new GiveUp(TABLE_NOT_FREE);
      trace('direct: indexes dropped');
      // after the table's lock: giving up for a busy table leaves no gap in the batch ids
      const batchId = await insertBatchRecord(trx, input);
      const stored = await RowCopyBuffer.forTable(
        trx,
        def.table,
        [...def.columns.map((c) => c.key), 'batch_id'],
        {
          reuse: true,
        },
      );
      const read = await load(copy, p, opened, stored, batchId, probe, rest);
      trace('direct: loaded');
      await buildIndexes(trx, def.table, dropped);
      // statistics for the checks' plans (and for everyone after the commit)
      await sql`analyze ${sql.table(def.table)}`.execute(trx);
      trace('direct: analyzed');
      const cols = def.columns.map((c) => sql.ref(c.key));
      await sql`create temp view ${sql.table(st.rows)} as
        select 0 as row_no, ${sql.join(cols)} from ${sql.table(def.table)} where batch_id = ${sql.lit(batchId)}`.execute(
        trx,
      );
      await sql`create temp table ${sql.table(st.errors)} (row_no integer not null, raw jsonb, errors jsonb not null)
        on commit drop`.execute(trx);
      const { change, missingRefs } = await describeNewRowsCheckingRefs(
        trx,
        def,
        sql`select s.* from ${sql.table(st.rows)} s`,
      );
      trace('direct: described, references counted');
      if (missingRefs > 0) throw new GiveUp('a reference is not there');
      await validateStagedIn(trx, { database, def, st, columnOf: opened.columnOf, allowPartial: false });
      if (await anyError(trx, st)) throw new GiveUp('a row failed a check');
      trace('direct: validated');
      const applied = await applyInTransaction(trx, database, { ...input, read }, batchId, {
        rows: read,
        change,
      });
      await sql`drop view ${sql.table(st.rows)}`.execute(trx);
      return applied;
    });
  } catch (e) {
    if (e instanceof GiveUp || (e as { code?: string }).code === UNIQUE_VIOLATION) {
      lastOutcome = `gave up: ${e instanceof GiveUp ? e.message : 'a key is stored already or twice in the file'}`;
      trace(`direct: ${lastOutcome}`);
      return null;
    }
    throw e;
  }
}

async function anyError(trx: Transaction<DB>, st: Staging): Promise<boolean> {
  const r = await sql<{ x: number }>`select 1 as x from ${sql.table(st.errors)} limit 1`.execute(trx);
  return r.rows.length > 0;
}

/**
 * COPY every row into the dataset's table (with the batch id), one chunk in flight while the next is
 * parsed. Returns the rows read.
 */
async function load(
  copy: CopyFn,
  p: DirectInput,
  opened: OpenedFile,
  stored: RowCopyBuffer,
  batchId: number,
  probe: readonly ParsedRow[],
  rest: AsyncIterator<ParsedRow[]>,
): Promise<number> {
  const cols = p.def.columns.map((c) => c.key);
  const chunkRows = p.chunkRows ?? DIRECT_CHUNK_ROWS;
  const loads = new OneInFlight();
  let read = 0;
  const push = (row: ParsedRow) => {
    const v = row.values;
    if (v === null || row.errors.length > 0) throw new GiveUp(`row ${row.rowNo} does not parse`);
    read++;
    const values: unknown[] = [];
    for (const c of cols) values.push(v[c]);
    values.push(batchId);
    stored.push(values);
  };
  let waited = 0;
  const flush = async () => {
    const b = stored.take();
    const t0 = performance.now();
    await loads.send(async () => {
      await copy(stored.table, stored.columns, b, stored.format);
      stored.recycle(b);
    });
    waited += performance.now() - t0;
  };
  // progress as often as the staged path reports it (its chunks), whatever the size of ours
  let reported = 0;
  const progress = () => {
    if (read - reported < PROGRESS_ROWS) return;
    reported = read;
    p.onProgress?.(read, opened);
  };
  try {
    for (const row of probe) push(row);
    for (;;) {
      const r = await rest.next();
      if (r.done) break;
      for (const row of r.value) {
        push(row);
        if (stored.rows >= chunkRows || stored.bytes >= DIRECT_CHUNK_BYTES) await flush();
      }
      progress();
    }
    if (stored.rows > 0) await flush();
  } catch (e) {
    // the COPY in flight ends before the transaction is rolled back on the same connection
    await loads.settle();
    if (e instanceof ImportFileError) throw new GiveUp('the file became unreadable');
    throw e;
  }
  const t0 = performance.now();
  await loads.drain();
  waited += performance.now() - t0;
  trace(`direct: waited ${Math.round(waited)} ms for the server`);
  return read;
}
