/*
 * npm run bench:metrics — metrics engine at city scale (issue 4 item 6).
 * Env: DATABASE_URL (PostgreSQL; a scratch database is created and dropped) or none (PGlite in a temp
 * dir); BENCH_SUBSCRIBERS (default 1,000,000 on PostgreSQL, 250,000 on PGlite); BENCH_RUNS (default 10);
 * BENCH_DUCKDB=off to skip DuckDB. Appends one result object to bench/results/metrics.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openEmbedded, openPostgres, type Database } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemActor } from '../src/server/rbac.js';
import { METRIC_CATALOG, runMetric, type MetricQuery } from '../src/metrics/index.js';
import { refreshMetricAggregates } from '../src/metrics/aggregates/refresh.js';
import { lastRefresh } from '../src/metrics/aggregates/register.js';
import { lastIncremental } from '../src/metrics/aggregates/incremental.js';
import { importFile } from '../src/ingest/pipeline/index.js';
import { generateCity } from './lib/city.js';
import { DUCK_SQL, loadDuck } from './lib/duck.js';

const url = process.env.DATABASE_URL;
const engine = url ? 'postgres' : 'pglite';
const N = Number(process.env.BENCH_SUBSCRIBERS ?? (url ? 1_000_000 : 250_000));
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TODAY = '2026-01-15';
const sys = systemActor('bench');
const log = (s: string) => process.stderr.write(`${s}\n`);

type Case = { family: string; metric: string; def: Partial<MetricQuery>; odd: Partial<MetricQuery> };
const CASES: Case[] = [
  {
    family: 'collections',
    metric: 'current_collection_rate',
    def: { month: '2025-10' },
    odd: { month: '2025-10', cutoff: '2025-11-17' },
  },
  {
    family: 'collections',
    metric: 'long_term_arrears',
    def: { at: '2025-11-30' },
    odd: { at: '2025-11-17' },
  },
  {
    family: 'development',
    metric: 'new_installs',
    def: { from: '2025-10-01', to: '2025-10-31' },
    odd: { from: '2025-10-07', to: '2025-11-19' },
  },
  {
    family: 'development',
    metric: 'revenue',
    def: { from: '2025-10-01', to: '2025-10-31' },
    odd: { from: '2025-03-01', to: '2025-10-31' },
  },
  {
    family: 'development',
    metric: 'active_subscribers',
    def: { at: '2025-11-30' },
    odd: { at: '2025-11-17' },
  },
  {
    family: 'health',
    metric: 'churn_rate',
    def: { from: '2025-10-01', to: '2025-10-31' },
    odd: { from: '2025-10-07', to: '2025-11-19' },
  },
  { family: 'health', metric: 'zero_fee_users', def: { month: '2025-10' }, odd: { month: '2025-10', n: 4 } },
  {
    family: 'cash',
    metric: 'cash_gap',
    def: { from: '2025-10-01', to: '2025-10-31' },
    odd: { from: '2025-10-07', to: '2025-11-19' },
  },
  {
    family: 'terminals',
    metric: 'terminal_recovery_rate',
    def: { from: '2025-10-01', to: '2025-10-31' },
    odd: { from: '2025-10-07', to: '2025-11-19' },
  },
];

/** Percentile in ms, to 0.01 ms: an answer from the aggregates takes well under a millisecond. */
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN) * 100) / 100;
};
async function timeRuns(runs: number, budgetMs: number, f: () => Promise<unknown>) {
  const ms: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
    if (performance.now() - t0 > budgetMs && ms.length >= 2) break;
  }
  return { runs: ms.length, p50: pct(ms, 50), p95: pct(ms, 95) };
}
const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await f();
  return [r, Math.round(performance.now() - t)];
};

async function open(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (url) {
    const name = `mx_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    const database = await openPostgres(u.toString(), { max: 4 });
    return {
      database,
      drop: async () => {
        await database.close();
        await admin.query(`drop database ${name}`);
        await admin.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mx-bench-'));
  const database = await openEmbedded({ dataDir: dir });
  return {
    database,
    drop: async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One day of payments (bill month 2025-12, paid 2026-01-10) and orders, as import files. */
async function dayFiles(
  database: Database,
  dir: string,
): Promise<{ payments: string; orders: string; rows: number }> {
  const per = Math.max(100, Math.round(N / 30));
  const subs = await sql<{ subscriber_id: string }>`select subscriber_id from bills
    where bill_month = '2025-12-01' order by subscriber_id limit ${per}`.execute(database.db);
  const p = ['payment_id,subscriber_id,bill_month,paid_at,amount,channel,outlet_code,operator_id'];
  const o = ['order_id,subscriber_id,order_type,order_date,county_code,outlet_code,operator_id,reason'];
  subs.rows.forEach((r, i) => {
    p.push(
      `DAY${i},${r.subscriber_id},2025-12,2026-01-10 ${9 + (i % 10)}:15,1.00,${i % 5 === 0 ? 'cash,O001' : 'bank,'},`,
    );
    if (i % 20 === 0) o.push(`DAYO${i},${r.subscriber_id},package_change,2026-01-10 10:00,,,,`);
  });
  fs.mkdirSync(dir, { recursive: true });
  const payments = path.join(dir, 'payments-2026-01-10.csv');
  const orders = path.join(dir, 'orders-2026-01-10.csv');
  fs.writeFileSync(payments, p.join('\n') + '\n');
  fs.writeFileSync(orders, o.join('\n') + '\n');
  return { payments, orders, rows: subs.rows.length };
}

async function main() {
  const { database, drop } = await open();
  const result: Record<string, unknown> = {
    at: new Date().toISOString(),
    engine,
    subscribers: N,
    runs: RUNS,
  };
  try {
    await migrateToLatest(database.db);
    const ver = await sql<{ v: string }>`select version() as v`.execute(database.db);
    log(`${engine} ${N} subscribers: generating`);
    const [counts, genMs] = await timed(() => generateCity(database.db, N, log));
    log(`generated in ${genMs} ms ${JSON.stringify(counts)}`);
    const [report, buildMs] = await timed(() => refreshMetricAggregates(database.db));
    log(`aggregates built in ${buildMs} ms ${JSON.stringify(report.slices)}`);
    if (engine === 'postgres') await sql`analyze`.execute(database.db);

    let duck: Awaited<ReturnType<typeof loadDuck>> | null = null;
    let duckLoadMs = 0;
    if (process.env.BENCH_DUCKDB !== 'off') {
      [duck, duckLoadMs] = await timed(() =>
        loadDuck(database, path.join(os.tmpdir(), `mx-duck-${process.pid}`)),
      );
      log(`duckdb loaded in ${duckLoadMs} ms`);
    }

    const rows: Record<string, unknown>[] = [];
    for (const c of CASES) {
      const q = (p: Partial<MetricQuery>): MetricQuery => ({
        metric: c.metric,
        by: ['county'],
        filters: {},
        ...p,
      });
      const agg = await timeRuns(RUNS, 60_000, () => runMetric(database.db, sys, q(c.def), { today: TODAY }));
      const odd = await timeRuns(RUNS, 60_000, () => runMetric(database.db, sys, q(c.odd), { today: TODAY }));
      const detail = await timeRuns(RUNS, 60_000, () =>
        runMetric(database.db, sys, q(c.def), { today: TODAY, aggregates: false }),
      );
      const a = await runMetric(database.db, sys, q(c.def), { today: TODAY });
      const b = await runMetric(database.db, sys, q(c.def), { today: TODAY, aggregates: false });
      const same = JSON.stringify(a) === JSON.stringify(b);
      const dsql = DUCK_SQL[c.metric];
      const dk =
        duck && dsql
          ? await timeRuns(RUNS, 60_000, () => (duck as NonNullable<typeof duck>).runAndReadAll(dsql))
          : null;
      const row = {
        family: c.family,
        metric: c.metric,
        default_params: c.def,
        odd_params: c.odd,
        aggregates_ms: agg,
        odd_params_ms: odd,
        detail_sql_ms: detail,
        duckdb_ms: dk,
        same_answer_as_detail: same,
        speedup_vs_detail_p50: Math.round((detail.p50 / Math.max(agg.p50, 0.01)) * 10) / 10,
        speedup_vs_duckdb_p50: dk ? Math.round((dk.p50 / Math.max(agg.p50, 0.01)) * 10) / 10 : null,
      };
      log(JSON.stringify(row));
      rows.push(row);
    }

    // every metric of the catalog with its kind's default parameters, by county where it allows it:
    // the figures outside the families above too (stock, deposits, swaps …), served or not
    const everyMetric: Record<string, unknown>[] = [];
    for (const info of METRIC_CATALOG) {
      const params: Partial<MetricQuery> =
        info.kind === 'period'
          ? { from: '2025-10-01', to: '2025-10-31' }
          : info.kind === 'point'
            ? { at: '2025-11-30' }
            : { month: '2025-10' };
      const q: MetricQuery = {
        metric: info.id,
        by: info.cuts.includes('county') ? ['county'] : [],
        filters: {},
        ...params,
      };
      const t = await timeRuns(Math.min(RUNS, 5), 60_000, () =>
        runMetric(database.db, sys, q, { today: TODAY }),
      );
      const row = { metric: info.id, family: info.family, params, by: q.by, ms: t };
      log(JSON.stringify(row));
      everyMetric.push(row);
    }

    const files = await dayFiles(database, path.join(os.tmpdir(), `mx-day-${process.pid}`));
    const [pr, payMs] = await timed(() =>
      importFile(database, { dataset: 'payments', filePath: files.payments, actor: 'bench' }),
    );
    const payHook = lastRefresh();
    const payInc = lastIncremental();
    const [or, ordMs] = await timed(() =>
      importFile(database, { dataset: 'orders', filePath: files.orders, actor: 'bench' }),
    );
    const ordHook = lastRefresh();
    // the refresh = what keeps the aggregates current: the in-transaction fold of a small batch
    // (incremental.ts) plus the after-commit recompute of whatever is still marked
    const refresh = {
      payments: {
        rows: files.rows,
        status: pr.status,
        import_ms: payMs,
        in_transaction_ms: Math.round(payInc?.dataset === 'payments' ? payInc.ms : 0),
        after_commit_ms: Math.round(payHook?.ms ?? NaN),
        hook_refresh_ms: Math.round((payInc?.dataset === 'payments' ? payInc.ms : 0) + (payHook?.ms ?? NaN)),
        slices_after_commit: payHook?.slices,
        incremental: payInc,
      },
      orders: {
        status: or.status,
        import_ms: ordMs,
        hook_refresh_ms: Math.round(ordHook?.ms ?? NaN),
        slices_after_commit: ordHook?.slices,
      },
    };
    log(JSON.stringify(refresh));
    Object.assign(result, {
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        ram_gb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        db_version: ver.rows[0]?.v,
      },
      counts,
      generate_ms: genMs,
      aggregates_build_ms: buildMs,
      duckdb_load_ms: duckLoadMs,
      queries: rows,
      every_metric: everyMetric,
      refresh_after_one_day: refresh,
    });
    const out = path.resolve(import.meta.dirname, 'results/metrics.json');
    const prev = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as unknown[]) : [];
    fs.writeFileSync(out, JSON.stringify([...prev, result], null, 2) + '\n');
    log(`appended to ${out}`);
  } finally {
    await drop();
  }
}

await main();
