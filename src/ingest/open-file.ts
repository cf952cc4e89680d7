import fs from 'node:fs';
import path from 'node:path';
import type { RowError as CoreRowError } from '../core/errors.js';
import { normalizeName } from '../datasets/index.js';
import type { DatasetDef } from '../datasets/types.js';
import { createRowParser, type ParsedRow } from './parse/row-parser.js';
import { cellText, isEmptyCell } from './parse/values.js';
import { openCsv } from './read/csv-reader.js';
import { ImportFileError, fileProblem } from './read/file-error.js';
import type { Cell, SheetSource } from './read/types.js';
import { openXlsx } from './read/xlsx-reader.js';

export type RowError = CoreRowError;
export type { ParsedRow } from './parse/row-parser.js';
export { ImportFileError } from './read/file-error.js';

export type OpenedFile = {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  sheet: string | null;
  /** headers as written (trimmed) */
  header: string[];
  /** column key → header as written (only for present columns) */
  columnOf: Record<string, string>;
  unknownColumns: string[];
  /**
   * Streaming, bounded memory; fully blank rows are skipped but counted in rowNo. Iterate `rows` or
   * `batches` (the same rows a read of the file at a time, never empty), once.
   */
  rows: AsyncIterable<ParsedRow>;
  batches: AsyncIterable<ParsedRow[]>;
  progress(): { bytesRead: number; bytesTotal: number };
};

const isBlankRow = (cells: readonly Cell[]): boolean => cells.every((c) => c === undefined || isEmptyCell(c));

/** xlsx by extension or by its zip signature (uploads may be stored without an extension); else CSV. */
async function formatOf(filePath: string): Promise<'csv' | 'xlsx'> {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.xls' || ext === '.et') {
    throw ImportFileError.of(
      '不支持旧版 .xls 文件：请另存为 .xlsx 或 CSV',
      'old .xls files are not supported: save as .xlsx or CSV',
    );
  }
  const fh = await fs.promises.open(filePath, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50 ? 'xlsx' : 'csv';
  } finally {
    await fh.close();
  }
}

/**
 * Open a dataset file: detect format and encoding, find the header (first non-empty row), bind columns
 * by key or alias. File-level problems throw ImportFileError before any data row is read: unsupported
 * encoding, no header, a key named by two columns, missing required columns (all of them, each named).
 * A CSV that becomes unreadable later (an unclosed quote) throws ImportFileError from the row iterator.
 */
export async function openDatasetFile(filePath: string, def: DatasetDef): Promise<OpenedFile> {
  const format = await formatOf(filePath);
  const source: SheetSource =
    format === 'xlsx' ? await openXlsx(filePath, [def.key, def.zh]) : await openCsv(filePath);
  try {
    return await bind(source, def);
  } catch (e) {
    await source.close();
    throw e;
  }
}

async function bind(source: SheetSource, def: DatasetDef): Promise<OpenedFile> {
  let headerCells: readonly Cell[] | null = null;
  for (;;) {
    const r = await source.rows.next();
    if (r.done) break;
    if (!isBlankRow(r.value.cells)) {
      headerCells = r.value.cells;
      break;
    }
  }
  if (headerCells === null) {
    throw ImportFileError.of(
      '文件没有表头（第一行非空行应为列名）',
      'the file has no header (the first non-empty row must name the columns)',
    );
  }
  const header = Array.from(headerCells, (c) => cellText(c ?? null).trim());

  const keyOfName = new Map<string, string>();
  for (const col of def.columns) {
    keyOfName.set(normalizeName(col.key), col.key);
    for (const a of col.aliases) keyOfName.set(normalizeName(a), col.key);
  }
  const indexOf = new Map<string, number>();
  const columnOf: Record<string, string> = {};
  const unknownColumns: string[] = [];
  const problems: RowError[] = [];
  header.forEach((h, i) => {
    if (h === '') return;
    const key = keyOfName.get(normalizeName(h));
    if (key === undefined) {
      unknownColumns.push(h);
      return;
    }
    const earlier = columnOf[key];
    if (earlier !== undefined) {
      problems.push(
        fileProblem(
          `列「${earlier}」和「${h}」都表示 ${key}，只能保留一列`,
          `columns "${earlier}" and "${h}" both name ${key}; keep only one`,
          h,
        ),
      );
      return;
    }
    indexOf.set(key, i);
    columnOf[key] = h;
  });
  for (const col of def.columns) {
    if (col.required && !indexOf.has(col.key)) {
      problems.push(
        fileProblem(
          `缺少必填列「${col.zh}」(${col.key})`,
          `missing required column "${col.key}" (${col.zh})`,
          col.zh,
        ),
      );
    }
  }
  if (problems.length > 0) throw new ImportFileError(problems);

  const parseRow = createRowParser(def, { header, indexOf }, { date1904: source.date1904 });
  let started = false;
  async function* batches(): AsyncGenerator<ParsedRow[]> {
    if (started) throw new Error('OpenedFile rows can be iterated only once');
    started = true;
    try {
      for (;;) {
        const r = await source.batches.next();
        if (r.done) return;
        const out: ParsedRow[] = [];
        for (const raw of r.value) if (!isBlankRow(raw.cells)) out.push(parseRow(raw.rowNo, raw.cells));
        if (out.length > 0) yield out;
      }
    } finally {
      await source.close();
    }
  }
  async function* rows(): AsyncGenerator<ParsedRow> {
    for await (const batch of batches()) yield* batch;
  }

  return {
    format: source.format,
    encoding: source.encoding,
    sheet: source.sheet,
    header,
    columnOf,
    unknownColumns,
    rows: { [Symbol.asyncIterator]: rows },
    batches: { [Symbol.asyncIterator]: batches },
    progress: () => source.progress(),
  };
}
