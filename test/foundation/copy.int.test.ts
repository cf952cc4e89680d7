import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import crypto from 'node:crypto';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/db.js';
import { openPostgres, type Database } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { copyDatabase } from '../../src/db/copy.js';
import { refreshMetricAggregates } from '../../src/metrics/aggregates/refresh.js';

// the server's own database always exists (a 'test' database may not)
const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function pgAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** `db copy`: an embedded installation moved onto PostgreSQL keeps every row. */
describe.runIf(testEngine() === 'pglite')('copy embedded → PostgreSQL', () => {
  let source: TestDatabase;
  let target: Database | undefined;
  const name = `mo_copy_${crypto.randomBytes(4).toString('hex')}`;
  let available = false;

  beforeAll(async () => {
    available = await pgAvailable();
    source = await createTestDatabase();
    await sql`insert into counties (county_code, county_name, households) values ('C01','城区',1000), ('C02','县,"二"',null)`.execute(
      source.db,
    );
    await sql`insert into products (product_code, product_name) values ('BB','宽带')`.execute(source.db);
    await sql`insert into packages values ('K1','套餐','BB',5900,'monthly',null,null)`.execute(source.db);
    await sql`insert into subscribers (subscriber_id, account_id, customer_name, county_code, product_code, package_code, install_date, status)
              values ('S1','A1','张三','C01','BB','K1','2025-01-01','normal')`.execute(source.db);
    await sql`insert into outlets (outlet_code, outlet_name, county_code) values ('O1','城区厅','C01')`.execute(
      source.db,
    );
    await sql`insert into payments (payment_id, subscriber_id, bill_month, paid_at, amount, channel, outlet_code)
              values ('P1','S1','2026-06-01','2026-06-30 23:30:00+08', 12345, 'cash', 'O1')`.execute(
      source.db,
    );
    await sql`insert into audit_log (actor, action, entity, detail) values ('t','create','x','{"a":[1,2]}')`.execute(
      source.db,
    );
    // derived data too: aggregates, their month rollups (kept by triggers) and the reference version
    await refreshMetricAggregates(source.db);
    if (available) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`create database ${name}`);
      await c.end();
      const u = new URL(PG_URL);
      u.pathname = `/${name}`;
      target = await openPostgres(u.toString());
      await migrateToLatest(target.db);
    }
  });
  afterAll(async () => {
    await target?.close();
    await source?.dispose();
    if (available) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name}`);
      await c.end();
    }
  });

  it('copies every table with identical row counts and values', async (ctx) => {
    if (!target) ctx.skip();
    const counts = await copyDatabase(source, target!);
    const map = new Map(counts);
    expect(map.get('counties')).toBe(2);
    expect(map.get('payments')).toBe(1);
    for (const [table, n] of counts) {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        target!.db,
      );
      expect([table, r.rows[0]?.n]).toEqual([table, n]);
      // the same rows, not only as many: nothing added by the target's triggers
      const rows = async (d: Database) =>
        (
          await sql<{
            s: string | null;
          }>`select string_agg(x::text, E'\n' order by x::text) as s from ${sql.table(table)} x`.execute(d.db)
        ).rows[0]?.s ?? null;
      expect([table, await rows(target!)]).toEqual([table, await rows(source)]);
    }
    expect(map.get('mx_cash_monthly')).toBeGreaterThan(0);
    expect(map.get('reference_version')).toBe(1);
    const p = await target!.db
      .selectFrom('payments')
      .select(['paid_day', 'amount', 'paid_at'])
      .executeTakeFirstOrThrow();
    expect(p).toEqual({ paid_day: '2026-06-30', amount: 12345, paid_at: '2026-06-30 23:30:00+08' });
    const c2 = await target!.db
      .selectFrom('counties')
      .select('county_name')
      .where('county_code', '=', 'C02')
      .executeTakeFirstOrThrow();
    expect(c2.county_name).toBe('县,"二"');
    // sequences continue after the copied ids
    await sql`insert into audit_log (actor, action, entity) values ('t','create','y')`.execute(target!.db);
    const ids = await sql<{ audit_id: number }>`select audit_id from audit_log order by audit_id`.execute(
      target!.db,
    );
    expect(ids.rows.map((r) => r.audit_id)).toEqual([1, 2]);
  });

  it('refuses a target that already holds data', async (ctx) => {
    if (!target) ctx.skip();
    await expect(copyDatabase(source, target!)).rejects.toThrow(/not empty/);
  });
});
