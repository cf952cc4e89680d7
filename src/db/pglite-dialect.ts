import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { PgliteWorkerClient } from './pglite-client.js';

/** A FIFO lock: the embedded database is one connection, so one holder at a time. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => next);
    return prev.then(() => release);
  }
}

class PgliteConnection implements DatabaseConnection {
  constructor(private client: PgliteWorkerClient) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const r = await this.client.query(compiled.sql, compiled.parameters);
    return {
      rows: r.rows as R[],
      numAffectedRows: BigInt(r.affectedRows),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database; page with LIMIT/keyset');
  }
}

/**
 * Kysely driver over the PGlite worker. acquireConnection takes the mutex, so a transaction keeps the
 * one connection until it commits or rolls back, and every other query waits its turn.
 */
export class PgliteWorkerDriver implements Driver {
  private readonly mutex = new Mutex();
  private readonly releases = new Map<DatabaseConnection, () => void>();
  private readonly connection: PgliteConnection;

  constructor(private client: PgliteWorkerClient) {
    this.connection = new PgliteConnection(client);
  }

  async init(): Promise<void> {
    await this.client.ready;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.mutex.lock();
    // a distinct object per acquisition so releases are matched exactly
    const conn: DatabaseConnection = Object.create(this.connection) as DatabaseConnection;
    this.releases.set(conn, release);
    return conn;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const iso = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await conn.executeQuery(CompiledQuery.raw(`begin${iso}`));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const release = this.releases.get(conn);
    this.releases.delete(conn);
    release?.();
  }

  /** Run raw work (COPY, exec) while holding the connection, outside Kysely. */
  async withConnection<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.mutex.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  async destroy(): Promise<void> {
    await this.client.close();
  }
}

export class PgliteWorkerDialect implements Dialect {
  constructor(readonly driver: PgliteWorkerDriver) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return this.driver;
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
