import { sql } from 'kysely';
import type { Database } from '../../db/connect.js';
import type { DatasetKey } from '../../datasets/index.js';

const chains = new Map<string, Promise<unknown>>();

/**
 * Two imports of one dataset never interleave: an in-process queue per dataset, and on PostgreSQL a
 * session advisory lock held on a dedicated connection (other processes, e.g. a CLI beside the server).
 * The lock dies with its session, so a killed importer never leaves it held. The embedded engine is
 * owned by one process (data-directory lock), so the in-process queue is enough there.
 */
export async function withDatasetLock<T>(
  database: Database,
  dataset: DatasetKey,
  fn: () => Promise<T>,
): Promise<T> {
  const prev = chains.get(dataset) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((r) => (done = r));
  const tail = prev.then(() => mine);
  chains.set(dataset, tail);
  await prev;
  try {
    if (database.engine !== 'postgres') return await fn();
    const key = `marketops.import.${dataset}`;
    return await database.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(hashtext(${key}))`.execute(conn);
      try {
        return await fn();
      } finally {
        await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
      }
    });
  } finally {
    done();
    if (chains.get(dataset) === tail) chains.delete(dataset);
  }
}
