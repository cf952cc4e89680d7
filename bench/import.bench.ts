/**
 * npm run bench:import — import a generated city (subscribers, one month of bills, one month of
 * payments: the first load; then a second month of bills and of payments, into tables that hold the
 * first: `bills_month2`, `payments_month2`) on PostgreSQL and on PGlite, beside a raw COPY of the same
 * rows into an empty table of the same columns, bare (unlogged, no indexes) and with the table's
 * indexes (the floors). Results are appended to bench/results/import.json with machine info.
 * BENCH_SUBSCRIBERS (default 1,000,000), BENCH_DATABASE_URL (default the local test server; a fresh
 * database is created and dropped), BENCH_ENGINES (default "postgres,pglite"), BENCH_NOTE (recorded).
 * "rowsPerSecWithoutHooks" is the pipeline alone: the time of the derived-data hooks (in the applying
 * transaction and after commit: the metrics aggregates, the follow-up lists' auto-close and generation,
 * registered as in the CLI and the server) is subtracted.
 *
 * Each engine imports in a child process of its own (this file again, with BENCH_CHILD=<engine>), so
 * an engine's peak RSS is that of the one process doing its import: the operating system's maximum
 * resident set of the child (getrusage, which counts the PGlite worker thread, as it is the same
 * process) up to the end of the last import, before the raw-COPY floor is measured. The parent only
 * writes the files and collects the children's JSON results.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'kysely';
import { openEmbedded, openPostgres, type Database } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { importFile } from '../src/ingest/pipeline/index.js';
import { directEligible, lastDirectOutcome } from '../src/ingest/pipeline/direct-load.js';
import { DATASETS } from '../src/datasets/index.js';
import { lastBatchHooksMs, lastCommittedHooksMs } from '../src/ingest/hooks.js';
import type { DatasetKey } from '../src/datasets/index.js';
import { registerFollowupHooks } from '../src/modules/followup/followup.hooks.js';

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',');
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** set in a child: the one engine this process imports on */
const CHILD = process.env.BENCH_CHILD;
/** the parent's work directory (files, result); a child receives it */
const work = process.env.BENCH_WORK ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mo-bench-'));

const MiB = (bytes: number) => Math.round(bytes / 2 ** 20);
/** the process's peak resident set so far (getrusage; Linux reports KiB) */
const maxRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

let peakStep = 0;

function writeFile(name: string, header: string, n: number, line: (i: number) => string): string {
  const p = path.join(work, name);
  // a child imports the files the parent wrote
  if (CHILD) return p;
  const fd = fs.openSync(p, 'w');
  fs.writeSync(fd, header + '\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += line(i) + '\n';
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return p;
}

const sid = (i: number) => `S${String(i).padStart(9, '0')}`;
const files: [DatasetKey, string][] = [
  ['counties', writeFile('counties.csv', 'county_code,county_name', 5, (i) => `C0${i},县${i}`)],
  [
    'outlets',
    writeFile('outlets.csv', 'outlet_code,outlet_name,county_code', 5, (i) => `O${i},厅${i},C0${i}`),
  ],
  ['products', writeFile('products.csv', 'product_code,product_name', 1, () => 'MB,移动')],
  [
    'packages',
    writeFile(
      'packages.csv',
      'package_code,package_name,product_code,monthly_fee,billing',
      1,
      () => 'M58,移动58,MB,58,monthly',
    ),
  ],
  [
    'subscribers',
    writeFile(
      'subscribers.csv',
      'subscriber_id,account_id,customer_name,phone,county_code,outlet_code,product_code,package_code,install_date,status',
      N,
      (i) =>
        `${sid(i)},A${i},客户${i},139${String(i).padStart(8, '0')},C0${i % 5},O${i % 5},MB,M58,2025-0${(i % 9) + 1}-15,normal`,
    ),
  ],
  [
    'bills',
    writeFile(
      'bills.csv',
      'subscriber_id,bill_month,amount',
      N,
      (i) => `${sid(i)},202606,${(i % 200) + 10}.${i % 100}`,
    ),
  ],
  [
    'payments',
    writeFile(
      'payments.csv',
      'payment_id,subscriber_id,bill_month,paid_at,amount,channel',
      N,
      (i) =>
        `P${i},${sid(i)},202606,2026-06-${String((i % 28) + 1).padStart(2, '0')} ${(i % 12) + 8}:15:00,${(i % 200) + 10}.${i % 100},${['cash', 'bank', 'online', 'agent'][i % 4]}`,
    ),
  ],
  // a second month, into tables that already hold the first: the steady state (the staged path)
  [
    'bills',
    writeFile(
      'bills_202607.csv',
      'subscriber_id,bill_month,amount',
      N,
      (i) => `${sid(i)},202607,${(i % 190) + 12}.${i % 100}`,
    ),
  ],
  [
    'payments',
    writeFile(
      'payments_202607.csv',
      'payment_id,subscriber_id,bill_month,paid_at,amount,channel',
      N,
      (i) =>
        `Q${i},${sid(i)},202607,2026-07-${String((i % 28) + 1).padStart(2, '0')} ${(i % 12) + 8}:45:00,${(i % 190) + 12}.${i % 100},${['cash', 'bank', 'online', 'agent'][i % 4]}`,
    ),
  ],
];

/** Result key of the i-th file: its dataset, or dataset_month2 for a dataset's second file. */
const labelOf = (i: number): string => {
  const dataset = files[i]?.[0] as string;
  return files.slice(0, i).some(([d]) => d === dataset) ? `${dataset}_month2` : dataset;
};

/**
 * The floor: the same rows, already DB-ready, COPYed into an empty table of the same columns. `bare`:
 * unlogged, without indexes or constraints (no WAL, nothing to maintain: the physical floor of moving
 * the bytes in); `indexed`: logged, with the table's constraints and indexes (LIKE … INCLUDING ALL), the
 * floor of storing them durably in a table that can answer the queries.
 */
async function rawCopy(
  database: Database,
  table: 'bills' | 'payments',
  shape: 'bare' | 'indexed',
): Promise<number> {
  await database.exec(
    shape === 'bare'
      ? `drop table if exists floor_${table}; create unlogged table floor_${table} (like ${table} including defaults)`
      : `drop table if exists floor_${table}; create table floor_${table} (like ${table} including all)`,
  );
  const cols =
    table === 'bills'
      ? ['subscriber_id', 'bill_month', 'amount']
      : ['payment_id', 'subscriber_id', 'bill_month', 'paid_at', 'amount', 'channel'];
  const t0 = performance.now();
  for (let start = 0; start < N; start += 10_000) {
    let csv = '';
    for (let i = start; i < Math.min(N, start + 10_000); i++) {
      csv +=
        table === 'bills'
          ? `${sid(i)},2026-06-01,${((i % 200) + 10) * 100 + (i % 100)}\n`
          : `P${i},${sid(i)},2026-06-01,2026-06-${String((i % 28) + 1).padStart(2, '0')} ${(i % 12) + 8}:15:00+08,${((i % 200) + 10) * 100 + (i % 100)},cash\n`;
    }
    await database.copyRows(`floor_${table}`, cols, csv);
  }
  const s = (performance.now() - t0) / 1000;
  await database.exec(`drop table floor_${table}`);
  return Math.round(N / s);
}

async function runEngine(engine: string) {
  let database: Database;
  let cleanup: () => Promise<void>;
  let version = '';
  if (engine === 'postgres') {
    const name = `mo_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const u = new URL(BASE_URL);
    u.pathname = `/${name}`;
    database = await openPostgres(u.toString(), { max: 4 });
    cleanup = async () => {
      await database.close();
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    };
  } else {
    const dir = path.join(work, 'pglite');
    database = await openEmbedded({ dataDir: dir });
    cleanup = async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  // what every importing process (CLI, server) has: the follow-up lists follow the imports
  const unhook = registerFollowupHooks();
  try {
    await migrateToLatest(database.db);
    version = (await sql<{ v: string }>`select version() as v`.execute(database.db)).rows[0]?.v ?? '';
    const datasets: Record<
      string,
      {
        /** 'direct' (PostgreSQL, a first load COPYed straight into the table) or 'staged' */
        path: 'direct' | 'staged';
        rows: number;
        seconds: number;
        rowsPerSec: number;
        status: string;
        /** derived-data hooks inside the applying transaction (metrics aggregate refresh…) */
        hooksSeconds: number;
        /** derived-data hooks run after the batch committed (metrics refresh of the marked slices) */
        committedHooksSeconds: number;
        /** the import pipeline alone: both kinds of hooks subtracted */
        rowsPerSecWithoutHooks: number;
        /** the highest RSS sampled (every 100 ms) during this file's import, and at its end */
        peakRssMiB: number;
        /** the process's peak RSS (getrusage) from its start to the end of this file's import */
        maxRssMiB: number;
        /** PGlite: its WebAssembly memory after this file (it never shrinks: the most held so far) */
        wasmMemoryMiB?: number;
      }
    > = {};
    const baselineRssMiB = MiB(process.memoryUsage.rss());
    for (const [i, [dataset, file]] of files.entries()) {
      const label = labelOf(i);
      peakStep = 0;
      const t0 = performance.now();
      const r = await importFile(database, { dataset, filePath: file, actor: 'bench' });
      // which way the file went (direct-load.ts: PostgreSQL, a first load)
      const took =
        directEligible(database, DATASETS[dataset]) && lastDirectOutcome() === 'loaded' ? 'direct' : 'staged';
      const seconds = (performance.now() - t0) / 1000;
      const inTrx = lastBatchHooksMs() / 1000;
      const committed = lastCommittedHooksMs() / 1000;
      const hooks = inTrx + committed;
      datasets[label] = {
        path: took,
        rows: r.counts.read,
        seconds: Math.round(seconds * 100) / 100,
        rowsPerSec: Math.round(r.counts.read / seconds),
        status: r.status,
        hooksSeconds: Math.round(inTrx * 100) / 100,
        committedHooksSeconds: Math.round(committed * 100) / 100,
        rowsPerSecWithoutHooks: Math.round(r.counts.read / Math.max(0.001, seconds - hooks)),
        peakRssMiB: MiB(Math.max(peakStep, process.memoryUsage.rss())),
        maxRssMiB: maxRssMiB(),
      };
      const mem = database.memory ? await database.memory() : null;
      const d = datasets[label];
      if (mem) d.wasmMemoryMiB = MiB(mem.wasmBytes);
      process.stderr.write(
        `${engine} ${label} (${took}): ${r.counts.read} rows in ${seconds.toFixed(1)} s (${d.rowsPerSec} rows/s; hooks ${inTrx.toFixed(1)} + ${committed.toFixed(1)} s after commit; ${d.rowsPerSecWithoutHooks} rows/s without; RSS ${d.peakRssMiB} MiB, process peak ${d.maxRssMiB} MiB${mem ? `, wasm ${MiB(mem.wasmBytes)} MiB` : ''}) ${r.status}\n`,
      );
    }
    // the import's peak, before the floor below adds its own work
    const peakRssMiB = maxRssMiB();
    const v8 = process.memoryUsage();
    const mem = database.memory ? await database.memory() : null;
    const memory = {
      /** the main thread's V8 heap and off-heap buffers at the end of the imports */
      mainHeapMiB: MiB(v8.heapTotal),
      externalMiB: MiB(v8.external),
      ...(mem
        ? { wasmMiB: MiB(mem.wasmBytes), workerHeapMiB: MiB(mem.workerHeapBytes), v8Flags: mem.v8Flags }
        : {}),
    };
    const floor = {
      bills: await rawCopy(database, 'bills', 'bare'),
      payments: await rawCopy(database, 'payments', 'bare'),
    };
    const indexedFloor = {
      bills: await rawCopy(database, 'bills', 'indexed'),
      payments: await rawCopy(database, 'payments', 'indexed'),
    };
    process.stderr.write(
      `${engine} raw COPY rows/s: bills ${floor.bills}, payments ${floor.payments}; into a table with the indexes: bills ${indexedFloor.bills}, payments ${indexedFloor.payments}\n`,
    );
    return {
      engine,
      version,
      /** this engine ran alone in a child process: peakRssMiB is that process's */
      isolated: true,
      /** the child's getrusage maxRSS at the end of its last import (before the raw-COPY floor) */
      peakRssMiB,
      /** RSS after opening and migrating, before the first file */
      baselineRssMiB,
      memory,
      datasets,
      /** unlogged, no indexes or constraints */
      rawCopyRowsPerSec: floor,
      /** logged, with the table's indexes and constraints (LIKE … INCLUDING ALL) */
      rawCopyIndexedRowsPerSec: indexedFloor,
    };
  } finally {
    unhook();
    await cleanup();
  }
}

type EngineResult = Awaited<ReturnType<typeof runEngine>>;

/** Run one engine's import in a child process (this file with BENCH_CHILD) and read its result. */
function runChild(engine: string): Promise<EngineResult> {
  const resultFile = path.join(work, `result-${engine}.json`);
  // the flags bin/marketops gives node (none beyond the loader, which execArgv carries)
  const argv = [...process.execArgv, fileURLToPath(import.meta.url)];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, BENCH_CHILD: engine, BENCH_WORK: work, BENCH_RESULT: resultFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${engine} bench process exited with code ${code}`));
      else resolve(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as EngineResult);
    });
  });
}

if (CHILD) {
  const sample = setInterval(() => {
    peakStep = Math.max(peakStep, process.memoryUsage.rss());
  }, 100);
  const result = await runEngine(CHILD);
  clearInterval(sample);
  fs.writeFileSync(
    process.env.BENCH_RESULT ?? path.join(work, `result-${CHILD}.json`),
    JSON.stringify(result),
  );
} else {
  const results: EngineResult[] = [];
  try {
    // one at a time: the engines must not share the machine's memory or cores while measured
    for (const e of ENGINES) results.push(await runChild(e.trim()));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  const entry = {
    at: new Date().toISOString(),
    /** BENCH_NOTE: what this run measures (e.g. the commit, "before"/"after") */
    note: process.env.BENCH_NOTE ?? null,
    subscribers: N,
    loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      ramGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    /** the highest of the engines' peaks, each measured in its own process (results[].peakRssMiB) */
    peakRssMiB: Math.max(0, ...results.map((r) => r.peakRssMiB)),
    peakRssMeasure: 'per-engine child process, getrusage maxRSS up to the end of its imports',
    results,
    targets: { postgresRowsPerSec: 150_000, pgliteRowsPerSec: 50_000, peakRssMiB: 400 },
  };
  const out = path.resolve(import.meta.dirname, 'results/import.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const prev = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as unknown[]) : [];
  fs.writeFileSync(out, JSON.stringify([...prev, entry], null, 2) + '\n');
  process.stdout.write(JSON.stringify(entry, null, 2) + '\n');
}
