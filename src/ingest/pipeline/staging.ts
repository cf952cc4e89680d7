import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../db/connect.js';
import type { DatasetDef } from '../../datasets/index.js';

/**
 * Per-import staging tables. They are UNLOGGED (a crash empties them, nothing is WAL-logged) and named
 * `import_stage_<epoch seconds>_<random>`: rows of one import only, dropped at the end. A process killed
 * mid-import leaves an orphan that the next import drops; the data tables and import_batches are only
 * ever written by the one applying transaction.
 */
export type Staging = {
  /** staged rows: row_no + the dataset's columns with the target table's types */
  rows: string;
  /** row errors: row_no, raw (original cells, when known), errors (RowError[]) */
  errors: string;
};

const PREFIX = 'import_stage_';
const ORPHAN_AGE_S = 24 * 3600;
const live = new Set<string>();

export function newStaging(): Staging {
  const token = `${Math.floor(Date.now() / 1000)}_${crypto.randomBytes(5).toString('hex')}`;
  return { rows: `${PREFIX}${token}`, errors: `${PREFIX}${token}_e` };
}

export async function createStaging(database: Database, def: DatasetDef, st: Staging): Promise<void> {
  live.add(st.rows);
  live.add(st.errors);
  const cols = def.columns.map((c) => sql.ref(c.key));
  // same column types as the target table, none of its constraints
  await sql`create unlogged table ${sql.table(st.rows)} as
    select 0::integer as row_no, ${sql.join(cols)} from ${sql.table(def.table)} with no data`.execute(
    database.db,
  );
  await sql`create unlogged table ${sql.table(st.errors)} (row_no integer not null, raw jsonb, errors jsonb not null)`.execute(
    database.db,
  );
}

export async function dropStaging(database: Database, st: Staging): Promise<void> {
  try {
    await sql`drop table if exists ${sql.table(st.rows)}, ${sql.table(st.errors)}`.execute(database.db);
  } finally {
    live.delete(st.rows);
    live.delete(st.errors);
  }
}

/**
 * Drop staging tables left by a killed import. On the embedded engine the data directory belongs to
 * this process (lock file), so every table not in use here is an orphan; on PostgreSQL another process
 * may be importing right now, so only day-old ones go.
 */
export async function dropOrphanStaging(database: Database): Promise<number> {
  const r = await sql<{ name: string }>`select tablename as name from pg_tables
    where schemaname = 'public' and tablename like ${`${PREFIX}%`}`.execute(database.db);
  const now = Date.now() / 1000;
  let n = 0;
  for (const { name } of r.rows) {
    if (live.has(name)) continue;
    const epoch = Number(/^import_stage_(\d+)_/.exec(name)?.[1] ?? 0);
    if (database.engine === 'postgres' && now - epoch < ORPHAN_AGE_S) continue;
    await sql`drop table if exists ${sql.table(name)}`.execute(database.db);
    n++;
  }
  return n;
}

/** Rows per COPY: large enough for COPY speed, small enough that other requests get the database between chunks. */
export const CHUNK_ROWS = 10_000;
export const CHUNK_BYTES = 4 << 20;

/** One value as a COPY csv field: NULL is an empty unquoted field, text is always quoted. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.includes('"') ? `"${s.replaceAll('"', '""')}"` : `"${s}"`;
}

/**
 * COPY text built in a byte buffer as rows are parsed. Keeping each row's line as a string until the
 * chunk is sent (10,000 retained strings per chunk, each a chain of concatenations) made the garbage
 * collector the largest cost of staging; bytes written at once leave nothing behind.
 */
export class CopyBuffer {
  private buf: Buffer;
  private pos = 0;
  /** rows written since the last take() */
  rows = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get bytes(): number {
    return this.pos;
  }

  /** Append one line (with its newline). */
  push(line: string): void {
    // a UTF-16 code unit never takes more than 3 UTF-8 bytes
    const need = this.pos + line.length * 3;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.pos);
      this.buf = bigger;
    }
    this.pos += this.buf.write(line, this.pos);
    this.rows++;
  }

  /**
   * The bytes written so far, in a buffer of their own (this one is reused while they are being
   * loaded) that owns its whole memory, so the embedded engine's worker can take it without a copy.
   */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    this.rows = 0;
    return out;
  }
}

/**
 * One load in flight while the caller parses the next chunk: the database (another process, or the
 * PGlite worker thread) loads a chunk while this thread reads and parses the following one. A failed
 * load is thrown by the next send() or by drain().
 */
export class OneInFlight {
  private inFlight: Promise<unknown> = Promise.resolve();
  private failed: unknown = null;

  async send(job: () => Promise<unknown>): Promise<void> {
    await this.drain();
    this.inFlight = job().catch((e: unknown) => {
      this.failed = e;
    });
  }

  /** Wait for the load in flight; throw its failure, if any. */
  async drain(): Promise<void> {
    await this.inFlight;
    if (this.failed !== null) throw this.failed;
  }

  /** Wait for the load in flight, ignoring its failure (cleanup before another error is thrown). */
  async settle(): Promise<void> {
    await this.inFlight;
  }
}
