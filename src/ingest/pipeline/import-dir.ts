import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../db/connect.js';
import { IMPORT_ORDER, datasetFromFileName, type DatasetKey } from '../../datasets/index.js';
import type { RowError } from '../../core/errors.js';
import { importFile, type ImportProgress, type ImportResult } from './import-file.js';

/** One line of an import report: a file imported, or skipped (not recognised, or after a rejected file). */
export type FileReport = Omit<ImportResult, 'status' | 'dataset'> & {
  status: ImportResult['status'] | 'skipped';
  dataset: DatasetKey | null;
};

export type ImportDirOptions = {
  dir: string;
  actor: string;
  allowPartial?: boolean;
  onProgress?: (file: string, p: ImportProgress) => void;
  /** called when a file starts (dataset known) */
  onFile?: (file: string, dataset: DatasetKey) => void;
};

const skipped = (file: string, dataset: DatasetKey | null, zh: string, en: string): FileReport => ({
  file,
  dataset,
  status: 'skipped',
  batch_id: null,
  counts: { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
  unknown_columns: [],
  errors: [{ row: null, column: null, value: null, message_zh: zh, message_en: en } satisfies RowError],
});

/**
 * Import every recognised file of a folder in dependency order (reference data, subscribers, events;
 * within a dataset by file name). Unrecognised files are listed as skipped; the first rejected file
 * stops the run and the files after it are listed as skipped.
 */
export async function importDirectory(database: Database, opts: ImportDirOptions): Promise<FileReport[]> {
  const names = fs
    .readdirSync(opts.dir, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const reports: FileReport[] = [];
  const known: { name: string; dataset: DatasetKey }[] = [];
  for (const name of names) {
    const dataset = datasetFromFileName(name);
    if (dataset) known.push({ name, dataset });
    else
      reports.push(
        skipped(name, null, '文件名不对应任何数据集，已跳过', 'the file name names no dataset; skipped'),
      );
  }
  known.sort(
    (a, b) =>
      IMPORT_ORDER.indexOf(a.dataset) - IMPORT_ORDER.indexOf(b.dataset) || a.name.localeCompare(b.name),
  );
  let stopped = false;
  for (const { name, dataset } of known) {
    if (stopped) {
      reports.push(
        skipped(
          name,
          dataset,
          '前面的文件被拒绝，本文件未导入',
          'not imported: an earlier file was rejected',
        ),
      );
      continue;
    }
    opts.onFile?.(name, dataset);
    const r = await importFile(database, {
      dataset,
      filePath: path.join(opts.dir, name),
      actor: opts.actor,
      allowPartial: opts.allowPartial,
      onProgress: opts.onProgress ? (p) => opts.onProgress?.(name, p) : undefined,
    });
    reports.push(r);
    if (r.status === 'rejected') stopped = true;
  }
  return reports;
}
