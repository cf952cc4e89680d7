import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { to as copyTo, from as copyFrom } from 'pg-copy-streams';
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { DB } from './schema.js';
import { PgliteWorkerClient, type EmbeddedMemory } from './pglite-client.js';
import { PgliteWorkerDialect, PgliteWorkerDriver } from './pglite-dialect.js';

export type Engine = 'pglite' | 'postgres';

export type DbState = { engine: Engine; busy: boolean; busyMs: number; queued: number };

/**
 * One database handle for the whole process, whichever engine is underneath. `db` is the Kysely
 * instance every repository takes; `copyRows` is the bulk path the importer uses for staging.
 */
export type Database = {
  engine: Engine;
  db: Kysely<DB>;
  /** Busy state, answered without touching the database. */
  state(): DbState;
  /**
   * Bulk-load CSV (no header, columns in order; text, or its UTF-8 bytes) into a table, or with
   * format 'binary' PostgreSQL's binary COPY stream (src/ingest/pipeline/copy-binary.ts). Not inside a
   * transaction.
   */
  copyRows(
    table: string,
    columns: readonly string[],
    data: string | Uint8Array,
    format?: CopyFormat,
  ): Promise<number>;
  /** Run several SQL statements (migrations of raw SQL, maintenance). */
  exec(statements: string): Promise<void>;
  close(): Promise<void>;
  /** Embedded only: a consistent gzip tarball of the data directory. */
  dump?(): Promise<Uint8Array>;
  /** Embedded only: the engine's memory (benchmarks, diagnostics). */
  memory?(): Promise<EmbeddedMemory>;
  /** Stream a query's result as CSV text chunks (used by db copy). */
  copyOut(query: string): AsyncIterable<string>;
  /**
   * PostgreSQL only: run `fn` on one connection of its own, with a Kysely instance and a COPY bound to
   * it, so a transaction begun on that Kysely can also bulk-load (the importer's direct path).
   */
  pinned?<T>(fn: (db: Kysely<DB>, copy: CopyFn) => Promise<T>): Promise<T>;
};

export type CopyFormat = 'csv' | 'binary';

export type CopyFn = (
  table: string,
  columns: readonly string[],
  data: string | Uint8Array,
  format?: CopyFormat,
) => Promise<number>;

/** COPY csv (or binary) into a table over one pg client. */
async function copyOver(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  data: string | Uint8Array,
  format: CopyFormat = 'csv',
): Promise<number> {
  if (data.length === 0) return 0;
  const cols = columns.map(quoteIdent).join(', ');
  const stream = client.query(
    copyFrom(`COPY ${quoteIdent(table)} (${cols}) FROM STDIN WITH (FORMAT ${format})`),
  );
  await pipeline(
    Readable.from([
      typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    ]),
    stream,
  );
  return Number(stream.rowCount ?? 0);
}

const execFileAsync = promisify(execFile);

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function openEmbedded(opts: { dataDir?: string; loadDataDir?: Uint8Array }): Promise<Database> {
  if (
    opts.dataDir !== undefined &&
    !opts.loadDataDir &&
    !fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))
  ) {
    // A new data directory runs initdb, which leaves ~800 MB of WebAssembly memory behind (measured: RSS
    // 850 MB after creating a database, 280 MB when opening the same directory again): create it in a
    // short-lived child process, then open it here.
    await execFileAsync(process.execPath, [
      fileURLToPath(new URL('./pglite-init.mjs', import.meta.url)),
      opts.dataDir,
    ]);
  }
  const client = new PgliteWorkerClient(opts);
  await client.ready;
  const driver = new PgliteWorkerDriver(client);
  const db = new Kysely<DB>({ dialect: new PgliteWorkerDialect(driver) });
  return {
    engine: 'pglite',
    db,
    state: () => ({ engine: 'pglite', ...client.state() }),
    async copyRows(table, columns, data, format = 'csv') {
      if (data.length === 0) return 0;
      const cols = columns.map(quoteIdent).join(', ');
      const r = await driver.withConnection(() =>
        client.query(
          `COPY ${quoteIdent(table)} (${cols}) FROM '/dev/blob' WITH (FORMAT ${format})`,
          [],
          typeof data === 'string' ? new TextEncoder().encode(data) : data,
        ),
      );
      return r.affectedRows;
    },
    exec: (statements) => driver.withConnection(() => client.exec(statements)),
    close: () => db.destroy(),
    dump: () => driver.withConnection(() => client.dump()),
    memory: () => driver.withConnection(() => client.memory()),
    async *copyOut(query) {
      // PGlite has no COPY TO STDOUT stream: page through with a cursor-free keyset is table-specific,
      // so read it whole per table chunk via COPY to a blob-less text query.
      const r = await driver.withConnection(() => client.query(query));
      yield* rowsToCsv(r.rows);
    },
  };
}

function* rowsToCsv(rows: Record<string, unknown>[]): Generator<string> {
  const esc = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
  };
  let buf = '';
  for (const row of rows) {
    buf += Object.values(row).map(esc).join(',') + '\n';
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    switch (oid) {
      case 20: // int8
        return (x: string) => {
          const n = Number(x);
          return Number.isSafeInteger(n) ? n : x;
        };
      case 1700: // numeric
      case 1082: // date
      case 1114: // timestamp
      case 1184: // timestamptz
        return (x: string) => x;
      default:
        return pg.types.getTypeParser(oid, format as 'text');
    }
  },
};

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    types: pgTypes as pg.CustomTypesConfig,
    options: '-c TimeZone=Asia/Shanghai -c DateStyle=ISO,YMD',
  });
  let inFlight = 0;
  let busySince: number | null = null;
  // fail fast with a clear message when the server does not answer
  const probe = await pool.connect();
  probe.release();
  // a cheap busy indicator, same shape as the embedded engine: a checked-out client is a query
  // (or a transaction) in progress
  pool.on('acquire', () => {
    inFlight++;
    busySince ??= Date.now();
  });
  pool.on('release', () => {
    inFlight = Math.max(0, inFlight - 1);
    if (inFlight === 0) busySince = null;
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: 'postgres',
    db,
    state: () => ({
      engine: 'postgres',
      busy: inFlight > 0,
      busyMs: busySince === null ? 0 : Date.now() - busySince,
      queued: pool.waitingCount,
    }),
    async copyRows(table, columns, data, format) {
      if (data.length === 0) return 0;
      const client = await pool.connect();
      try {
        return await copyOver(client, table, columns, data, format);
      } finally {
        client.release();
      }
    },
    async pinned(fn) {
      const client = await pool.connect();
      // a pool of this one client: Kysely checks it out and back for each query and transaction
      const one = { connect: async () => Object.assign(client, { release: () => {} }), end: async () => {} };
      const release = client.release.bind(client);
      const pinnedDb = new Kysely<DB>({ dialect: new PostgresDialect({ pool: one as unknown as pg.Pool }) });
      let broken: Error | undefined;
      try {
        return await fn(pinnedDb, (table, columns, data, format) =>
          copyOver(client, table, columns, data, format),
        );
      } catch (e) {
        // a connection left mid-COPY or mid-transaction is not handed back to the pool
        broken = e instanceof Error ? e : new Error(String(e));
        throw e;
      } finally {
        await pinnedDb.destroy();
        release(broken);
      }
    },
    async exec(statements) {
      await sql.raw(statements).execute(db);
    },
    close: () => db.destroy(),
    async *copyOut(query) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv)`));
        for await (const chunk of stream) yield (chunk as Buffer).toString('utf8');
      } finally {
        client.release();
      }
    },
  };
}
