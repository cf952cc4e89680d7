import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { cliActor, failure, usageError, withDatabase, type CliContext } from '../context.js';
import { AppError, bilingual } from '../../core/errors.js';
import { systemActor } from '../../server/rbac.js';
import { METRIC_CATALOG } from '../../metrics/catalog.js';
import { runMetric } from '../../metrics/engine.js';
import { drillMetric } from '../../metrics/drill.js';
import { parseMetricQuery } from '../../metrics/query.js';
import { answerTable, drillTable } from '../../metrics/answer-export.js';
import { tableToCsv, tablesToXlsx, type ExportTable } from '../../export/table-export.js';
import type { MetricQuery } from '../../metrics/types.js';

type Opts = {
  list?: boolean;
  from?: string;
  to?: string;
  at?: string;
  month?: string;
  cutoff?: string;
  by?: string;
  county?: string;
  product?: string;
  n?: string;
  format?: string;
  out?: string;
  explain?: boolean;
  as?: string;
};

export function register(program: Command, ctx: CliContext): void {
  program
    .command('metric')
    .description(
      'compute a metric (marketops metric <id> …), list them (--list) or run a batch (metric batch <queries.json>)',
    )
    .argument('[id]', 'metric id, or "batch"')
    .argument('[file]', 'queries.json for "batch"')
    .option('--list', 'list the metrics')
    .option('--from <date>')
    .option('--to <date>')
    .option('--at <date>')
    .option('--month <YYYY-MM>')
    .option('--cutoff <date>')
    .option('--by <cuts>', 'comma separated: county,product,month,outlet,warehouse,item')
    .option('--county <code>')
    .option('--product <code>')
    .option('--n <N>')
    .option('--format <format>', 'json | csv | xlsx', 'json')
    .option('--out <file>')
    .option('--explain', 'print the records behind the row chosen by --county/--product')
    .option('--as <user>')
    .action(async (id: string | undefined, file: string | undefined, opts: Opts) => {
      if (opts.list) {
        for (const m of METRIC_CATALOG)
          ctx.io.out(
            `${m.id}\t${m.kind}\t${m.unit}\t${m.label_zh} / ${m.label_en}\tcuts: ${m.cuts.join(',')}\n`,
          );
        return;
      }
      if (!id)
        throw usageError(
          'usage: marketops metric <id> [options] | metric --list | metric batch <queries.json>',
        );
      const format = opts.format ?? 'json';
      if (!['json', 'csv', 'xlsx'].includes(format))
        throw usageError(`--format must be json, csv or xlsx (got ${format})`);
      if (format === 'xlsx' && !opts.out) throw usageError('--format xlsx needs --out <file>');
      if (id === 'batch') {
        if (!file) throw usageError('usage: marketops metric batch <queries.json>');
        await runBatch(ctx, path.resolve(ctx.cwd, file), opts.as);
        return;
      }
      const q = parseMetricQuery({ ...opts, metric: id });
      const actor = systemActor(cliActor(opts.as));
      await withDatabase(ctx, async (database) => {
        let table: ExportTable;
        let json: unknown;
        if (opts.explain) {
          // the row the flags name: the --county/--product filters are the row's keys
          const row: Record<string, string> = {};
          if (q.filters.county) row.county = q.filters.county;
          if (q.filters.product) row.product = q.filters.product;
          const dq: MetricQuery = { ...q, by: Object.keys(row) };
          const d = await drillMetric(database.db, actor, dq, {
            row,
            side: 'value',
            page: 1,
            pageSize: 1_000_000,
            order: 'asc',
            reveal: false,
          });
          json = d;
          table = drillTable(d);
        } else {
          const a = await runMetric(database.db, actor, q);
          json = a;
          table = answerTable(a);
        }
        await write(ctx, format, opts.out, json, table);
      });
    });
}

async function write(
  ctx: CliContext,
  format: string,
  out: string | undefined,
  json: unknown,
  table: ExportTable,
): Promise<void> {
  const data: string | Buffer =
    format === 'json'
      ? `${JSON.stringify(json)}\n`
      : format === 'csv'
        ? tableToCsv(table)
        : await tablesToXlsx([table]);
  if (out) {
    const p = path.resolve(ctx.cwd, out);
    fs.writeFileSync(p, data);
    ctx.io.err(`written to ${p}\n`);
  } else ctx.io.out(typeof data === 'string' ? data : data.toString('base64'));
}

/** Many queries in one process; a rejected query answers with its error and the batch goes on. */
async function runBatch(ctx: CliContext, file: string, as: string | undefined): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw failure(`cannot read ${file}: ${(e as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { queries?: unknown } | null)?.queries;
  if (!Array.isArray(list))
    throw failure(`${file}: expected a JSON list of queries or an object with a "queries" list`);
  const actor = systemActor(cliActor(as));
  await withDatabase(ctx, async (database) => {
    const answers: Record<string, unknown>[] = [];
    for (const item of list as unknown[]) {
      const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const head = { id: entry.id ?? null, metric: entry.metric ?? null };
      try {
        const q = parseMetricQuery({
          metric: entry.metric,
          from: entry.from,
          to: entry.to,
          at: entry.at,
          month: entry.month,
          cutoff: entry.cutoff,
          n: entry.n,
          by: entry.by,
          filters: entry.filters,
        });
        answers.push({ id: head.id, ...(await runMetric(database.db, actor, q)) });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        answers.push({ ...head, error: bilingual(e) });
      }
    }
    ctx.io.out(`${JSON.stringify({ answers })}\n`);
  });
}
