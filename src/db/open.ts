import type { Config } from '../config.js';
import { openEmbedded, openPostgres, type Database } from './connect.js';
import { acquireLock, type LockInfo } from './lock.js';
import path from 'node:path';

export type OpenedDatabase = Database & { lock?: { info: LockInfo; update(p: Partial<LockInfo>): void } };

export class DatabaseUnavailable extends Error {}

/** Open the configured database: PostgreSQL when DATABASE_URL is set, else the embedded one (locked). */
export async function openDatabase(config: Config, kind: LockInfo['kind']): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    try {
      return await openPostgres(config.databaseUrl);
    } catch (e) {
      const url = new URL(config.databaseUrl);
      url.password = url.password ? '***' : '';
      throw new DatabaseUnavailable(`cannot connect to PostgreSQL at ${url.toString()}: ${(e as Error).message}`);
    }
  }
  const lock = acquireLock(config.dataDir, kind);
  try {
    const database = await openEmbedded({ dataDir: path.join(config.dataDir, 'pg') });
    const close = database.close;
    return {
      ...database,
      lock,
      close: async () => {
        try {
          await close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}
