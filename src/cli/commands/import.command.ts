import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { CliExit, cliActor, usageError, withDatabase, type CliContext } from '../context.js';
import { DATASETS, datasetByName } from '../../datasets/index.js';
import {
  dataFreshness,
  importDirectory,
  importFile,
  undoBatch,
  type FileReport,
  type ImportProgress,
} from '../../ingest/pipeline/index.js';

type ImportOpts = { allowPartial?: boolean; json?: boolean; as?: string };

const STATUS_ZH: Record<FileReport['status'], string> = {
  imported: '已导入',
  partial: '部分导入',
  rejected: '已拒绝',
  already_imported: '已导入过',
  skipped: '跳过',
};

/** The JSON document of the contract: exactly these fields, in this order. */
const toJson = (reports: FileReport[]) => ({
  files: reports.map((r) => ({
    file: r.file,
    dataset: r.dataset,
    status: r.status,
    batch_id: r.batch_id,
    counts: r.counts,
    unknown_columns: r.unknown_columns,
    errors: r.errors.map((e) => ({
      row: e.row,
      column: e.column,
      value: e.value,
      message_zh: e.message_zh,
      message_en: e.message_en,
    })),
  })),
});

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length));

function summary(reports: FileReport[]): string {
  const head = ['file', 'dataset', 'status', 'batch', 'read', 'inserted', 'updated', 'unchanged', 'rejected'];
  const rows = reports.map((r) => [
    r.file,
    r.dataset ?? '-',
    `${r.status} ${STATUS_ZH[r.status]}`,
    r.batch_id === null ? '-' : String(r.batch_id),
    ...[r.counts.read, r.counts.inserted, r.counts.updated, r.counts.unchanged, r.counts.rejected].map(
      String,
    ),
  ]);
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd() + '\n';
  let out = line(head) + rows.map(line).join('');
  for (const r of reports) {
    if (r.unknown_columns.length > 0)
      out += `${r.file}: 未识别的列 / unknown columns: ${r.unknown_columns.join(', ')}\n`;
    for (const e of r.errors) {
      const where = e.row === null ? '' : `第 ${e.row} 行 / row ${e.row} `;
      const col = e.column ? `「${e.column}」` : '';
      const val = e.value !== null ? ` "${e.value}"` : '';
      out += `${r.file}: ${where}${col}${val}：${e.message_zh} / ${e.message_en}\n`;
    }
  }
  return out;
}

/** 0 when every file landed whole (already imported included), 1 when any file or row was rejected. */
const exitCode = (reports: FileReport[]) =>
  reports.some((r) => r.status === 'rejected' || r.status === 'partial' || r.counts.rejected > 0) ? 1 : 0;

function progressWriter(ctx: CliContext) {
  let last = 0;
  return (file: string, p: ImportProgress) => {
    const now = Date.now();
    if (now - last < 500 && p.percent < 100) return;
    last = now;
    ctx.io.err(`${file}: ${p.rows} rows, ${p.rowsPerSec} rows/s, ${p.percent}%\n`);
  };
}

export function register(program: Command, ctx: CliContext): void {
  const imp = program
    .command('import')
    .description(
      'import BSS extracts: import <dataset> <file…> | import dir <folder> | undo | batches | freshness',
    )
    .argument('[dataset]', 'dataset key or Chinese name (bills, 账单, …)')
    .argument('[files...]', 'csv or xlsx files')
    .option('--allow-partial', 'land the good rows, keep the bad ones as rejects')
    .option('--json', 'one JSON document on stdout')
    .option('--as <user>', 'record the import as this user')
    .action(async (datasetName: string | undefined, fileArgs: string[], opts: ImportOpts) => {
      if (!datasetName)
        throw usageError(
          'usage: marketops import <dataset> <file…> | import dir <folder> | import undo <batch> | import batches | import freshness',
        );
      const dataset = datasetByName(datasetName);
      if (!dataset)
        throw usageError(
          `未知的数据集「${datasetName}」/ unknown dataset "${datasetName}" (known: ${Object.keys(DATASETS).join(', ')})`,
        );
      if (fileArgs.length === 0) throw usageError('请指定要导入的文件 / name at least one file to import');
      const paths = fileArgs.map((f) => path.resolve(ctx.cwd, f));
      for (const p of paths)
        if (!fs.existsSync(p) || !fs.statSync(p).isFile())
          throw usageError(`文件不存在 / no such file: ${p}`);
      const progress = progressWriter(ctx);
      const reports = await withDatabase(ctx, async (database) => {
        const out: FileReport[] = [];
        for (const p of paths) {
          const r = await importFile(database, {
            dataset,
            filePath: p,
            actor: cliActor(opts.as),
            allowPartial: opts.allowPartial,
            onProgress: (x) => progress(path.basename(p), x),
          });
          out.push(r);
          if (r.status === 'rejected') break;
        }
        return out;
      });
      finish(ctx, reports, opts.json);
    });

  imp
    .command('dir <folder>')
    .description('import every recognised file of a folder in dependency order')
    .option('--allow-partial', 'land the good rows, keep the bad ones as rejects')
    .option('--json', 'one JSON document on stdout')
    .option('--as <user>', 'record the import as this user')
    .action(async (folder: string, own: ImportOpts) => {
      // options written before the subcommand name land on `import` itself
      const opts: ImportOpts = { ...imp.opts<ImportOpts>(), ...own };
      const dir = path.resolve(ctx.cwd, folder);
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
        throw usageError(`目录不存在 / no such folder: ${dir}`);
      const progress = progressWriter(ctx);
      const reports = await withDatabase(ctx, (database) =>
        importDirectory(database, {
          dir,
          actor: cliActor(opts.as),
          allowPartial: opts.allowPartial,
          onProgress: progress,
        }),
      );
      finish(ctx, reports, opts.json);
    });

  imp
    .command('undo <batch>')
    .description('return the rows a batch wrote to the versions it replaced')
    .option('--as <user>', 'record the undo as this user')
    .action(async (batch: string, own: { as?: string }) => {
      const opts = { ...imp.opts<ImportOpts>(), ...own };
      const id = Number(batch);
      if (!Number.isSafeInteger(id) || id <= 0) throw usageError(`批次号无效 / not a batch number: ${batch}`);
      const r = await withDatabase(ctx, (database) => undoBatch(database, id, cliActor(opts.as)));
      ctx.io.out(
        `批次 ${r.batch_id} 已撤销：恢复 ${r.restored} 行，删除 ${r.deleted} 行 / batch ${r.batch_id} undone: ${r.restored} rows restored, ${r.deleted} deleted\n`,
      );
    });

  imp
    .command('batches')
    .description('import history')
    .option('--json', 'JSON output')
    .option('--limit <n>', 'how many, newest first', '50')
    .action(async (own: { json?: boolean; limit: string }) => {
      const opts = { ...imp.opts<ImportOpts>(), ...own };
      const limit = Math.max(1, Math.min(10_000, Number(opts.limit) || 50));
      const rows = await withDatabase(ctx, async (database) => {
        const r =
          await sql<BatchRow>`select batch_id::int as batch_id, dataset, file_name, actor, status, started_at::text as started_at,
            duration_ms, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected
          from import_batches order by batch_id desc limit ${limit}`.execute(database.db);
        return r.rows;
      });
      if (opts.json) {
        ctx.io.out(JSON.stringify({ batches: rows }) + '\n');
        return;
      }
      for (const b of rows) {
        ctx.io.out(
          `${b.batch_id}  ${b.started_at}  ${b.actor}  ${b.dataset}  ${b.file_name}  ${b.status}  read ${b.rows_read} ins ${b.rows_inserted} upd ${b.rows_updated} same ${b.rows_unchanged} rej ${b.rows_rejected}\n`,
        );
      }
    });

  imp
    .command('freshness')
    .description('per dataset: last date or month loaded, rows, missing days')
    .option('--json', 'JSON output')
    .action(async (own: { json?: boolean }) => {
      const opts = { ...imp.opts<ImportOpts>(), ...own };
      const f = await withDatabase(ctx, (database) => dataFreshness(database));
      if (opts.json) {
        ctx.io.out(JSON.stringify({ datasets: f }) + '\n');
        return;
      }
      for (const d of f) {
        const missing =
          d.missingDays && d.missingDays.length > 0 ? `  缺少 / missing: ${d.missingDays.join(', ')}` : '';
        ctx.io.out(
          `${pad(d.dataset, 14)} ${pad(d.zh, 6)} rows ${d.rows}  last ${d.lastLoaded ?? '-'}  batch ${d.lastBatchAt ?? '-'}${missing}\n`,
        );
      }
    });
}

type BatchRow = {
  batch_id: number;
  dataset: string;
  file_name: string;
  actor: string;
  status: string;
  started_at: string;
  duration_ms: number | null;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
};

function finish(ctx: CliContext, reports: FileReport[], json: boolean | undefined): void {
  ctx.io.out(json ? JSON.stringify(toJson(reports)) + '\n' : summary(reports));
  const code = exitCode(reports);
  if (code !== 0) throw new CliExit(code);
}
