import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { openEmbedded, openPostgres, type Database } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';

/**
 * Test databases on the engine CI asks for: PostgreSQL when DATABASE_URL is set (a fresh database per
 * test file, copied from a migrated template), else embedded PGlite (a copy of a migrated template
 * directory). Both go through the same drivers production uses.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const migrationsKey = crypto.createHash('sha1').update(Object.keys(migrations).join(',')).digest('hex').slice(0, 10);
const templateDir = path.join(ROOT, '.tmp', `template-pglite-${migrationsKey}`);
const templateDbName = `marketops_tpl_${migrationsKey}`;

export const testEngine = (): 'postgres' | 'pglite' => (process.env.DATABASE_URL ? 'postgres' : 'pglite');

const adminUrl = () => process.env.DATABASE_URL as string;
const withDbName = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function adminQuery(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

export async function prepareTemplate(): Promise<void> {
  if (testEngine() === 'postgres') {
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    try {
      const r = await c.query('select 1 from pg_database where datname = $1', [templateDbName]);
      if (r.rowCount) return;
      await c.query(`create database ${templateDbName}`);
    } finally {
      await c.end();
    }
    const d = await openPostgres(withDbName(adminUrl(), templateDbName), { max: 1 });
    try {
      await migrateToLatest(d.db);
    } finally {
      await d.close();
    }
    return;
  }
  if (fs.existsSync(path.join(templateDir, 'PG_VERSION'))) return;
  const tmp = `${templateDir}.${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  const d = await openEmbedded({ dataDir: tmp });
  await migrateToLatest(d.db);
  await d.close();
  fs.rmSync(templateDir, { recursive: true, force: true });
  fs.renameSync(tmp, templateDir);
}

export type TestDatabase = Database & { url?: string; dataDir?: string; dispose(): Promise<void> };

/** A fresh, migrated, empty database of the test engine. Call dispose() in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  await prepareTemplate();
  const name = `mo_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (testEngine() === 'postgres') {
    await adminQuery(`create database ${name} template ${templateDbName}`);
    const url = withDbName(adminUrl(), name);
    const d = await openPostgres(url, { max: 4 });
    return {
      ...d,
      url,
      async dispose() {
        await d.close();
        await adminQuery(`drop database if exists ${name}`);
      },
    };
  }
  const dir = path.join(os.tmpdir(), name);
  fs.cpSync(templateDir, dir, { recursive: true });
  const d = await openEmbedded({ dataDir: dir });
  return {
    ...d,
    dataDir: dir,
    async dispose() {
      await d.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
