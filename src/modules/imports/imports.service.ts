import { EventEmitter } from 'node:events';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../db/connect.js';
import { IMPORT_ORDER, type DatasetKey } from '../../datasets/index.js';
import { Forbidden, NotFound } from '../../core/errors.js';
import { tableToCsv, tablesToXlsx, type ExportTable } from '../../export/table-export.js';
import { can, type Actor } from '../../server/rbac.js';
import { importFile, undoBatch, dataFreshness, type ImportResult } from '../../ingest/pipeline/index.js';
import { getBatch, listBatches, rejectsPage } from './imports.repository.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';
export type JobView = {
  jobId: string;
  status: JobStatus;
  file: string;
  dataset: DatasetKey;
  rows: number;
  rowsPerSec: number;
  percent: number;
  result?: ImportResult;
  error?: { message_zh: string; message_en: string };
};
type Job = JobView & { uploader: string; events: EventEmitter };
export type UploadedFile = { tmpPath: string; fileName: string; dataset: DatasetKey };

const JOB_KEEP_MS = 60 * 60 * 1000;

/** A temp folder per upload; the job deletes its file when it is done. */
export const uploadDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'marketops-upload-'));

/**
 * An extract spans every county: only its uploader or a city-wide role allowed to see personal data
 * may read its rejected rows (the reject file, the errors quoting their values), never a county-bound user.
 */
const mayReadRejectedRows = (actor: Actor, uploader: string): boolean =>
  uploader === actor.username || (can(actor, 'pii:reveal') && actor.countyScope === null);

/**
 * Import jobs started from the web: each upload runs its files in dependency order in the background,
 * through the same pipeline as the CLI; progress can be polled or streamed.
 */
export function createImportService(deps: { database: Database }) {
  const jobs = new Map<string, Job>();
  const view = ({ uploader: _u, events: _e, ...v }: Job): JobView => v;

  async function run(
    list: Job[],
    files: UploadedFile[],
    actor: string,
    allowPartial: boolean,
  ): Promise<void> {
    for (const [i, job] of list.entries()) {
      const f = files[i] as UploadedFile;
      job.status = 'running';
      job.events.emit('progress', view(job));
      try {
        job.result = await importFile(deps.database, {
          dataset: f.dataset,
          filePath: f.tmpPath,
          fileName: f.fileName,
          actor,
          allowPartial,
          onProgress: (p) => {
            Object.assign(job, p);
            job.events.emit('progress', view(job));
          },
        });
        job.status = 'done';
        job.percent = 100;
      } catch (e) {
        job.status = 'failed';
        const err = e as { message_zh?: string; message?: string };
        job.error = {
          message_zh: err.message_zh ?? `导入失败：${err.message ?? ''}`,
          message_en: err.message ?? 'import failed',
        };
      } finally {
        fs.rmSync(f.tmpPath, { force: true });
        fs.rmSync(path.dirname(f.tmpPath), { recursive: true, force: true });
        job.events.emit('progress', view(job));
        job.events.emit('end');
        setTimeout(() => jobs.delete(job.jobId), JOB_KEEP_MS).unref();
      }
    }
  }

  return {
    start(actor: Actor, files: UploadedFile[], allowPartial: boolean): JobView[] {
      const ordered = [...files].sort(
        (a, b) => IMPORT_ORDER.indexOf(a.dataset) - IMPORT_ORDER.indexOf(b.dataset),
      );
      const list: Job[] = ordered.map((f) => ({
        jobId: crypto.randomUUID(),
        status: 'queued',
        file: f.fileName,
        dataset: f.dataset,
        rows: 0,
        rowsPerSec: 0,
        percent: 0,
        uploader: actor.username,
        events: new EventEmitter(),
      }));
      for (const j of list) jobs.set(j.jobId, j);
      void run(list, ordered, actor.username, allowPartial);
      return list.map(view);
    },

    job(actor: Actor, jobId: string): { view: JobView; events: EventEmitter } {
      const j = jobs.get(jobId);
      if (!j || (j.uploader !== actor.username && actor.role !== 'system' && !can(actor, 'import:undo')))
        throw new NotFound('import job', jobId);
      return { view: view(j), events: j.events };
    },

    batches: (q: { dataset?: string; page: number; pageSize: number }) => listBatches(deps.database.db, q),

    /**
     * A batch and its row errors. The errors quote the rejected values (names, phone numbers, ID
     * numbers of any county), so only those who may read the reject file see them; others get the
     * batch with its counts and how many errors are withheld.
     */
    async batch(actor: Actor, batchId: number) {
      const b = await getBatch(deps.database.db, batchId);
      if (!b) throw new NotFound('import_batch', batchId);
      return mayReadRejectedRows(actor, b.actor)
        ? { ...b, errors_withheld: 0 }
        : { ...b, errors: [], errors_withheld: b.errors.length };
    },

    /** Original columns plus a reason column; only the uploader and roles that may see personal data. */
    async rejects(
      actor: Actor,
      batchId: number,
      format: 'csv' | 'xlsx',
    ): Promise<{ body: Buffer | string; fileName: string }> {
      const b = await getBatch(deps.database.db, batchId);
      if (!b) throw new NotFound('import_batch', batchId);
      if (!mayReadRejectedRows(actor, b.actor)) {
        throw new Forbidden(
          '拒绝行包含全市个人信息，只有上传人和可查看个人信息的全市角色可以下载',
          'reject files hold personal data of every county: only the uploader and city-wide roles allowed to see personal data may download them',
        );
      }
      const rows: Record<string, unknown>[] = [];
      const headers: string[] = [];
      const seen = new Set<string>();
      for (let after = 0; ;) {
        const page = await rejectsPage(deps.database.db, batchId, after, 5000);
        if (page.length === 0) break;
        for (const r of page) {
          for (const [h] of r.raw) {
            if (seen.has(h)) continue;
            seen.add(h);
            headers.push(h);
          }
          const reason = r.errors
            .map((e) => `${e.column ? `「${e.column}」` : ''}${e.message_zh} / ${e.message_en}`)
            .join('；');
          rows.push({ ...Object.fromEntries(r.raw), __row: r.row_no, __reason: reason });
          after = r.row_no;
        }
      }
      const table: ExportTable = {
        sheetName: b.dataset,
        columns: [
          ...headers.map((h) => ({ key: h, header: h, kind: 'text' as const })),
          { key: '__row', header: '原行号 row', kind: 'integer' },
          { key: '__reason', header: '拒绝原因 reason', kind: 'text' },
        ],
        rows,
      };
      const base = `${b.dataset}_rejects_${batchId}`;
      return format === 'xlsx'
        ? { body: await tablesToXlsx([table]), fileName: `${base}.xlsx` }
        : { body: tableToCsv(table), fileName: `${base}.csv` };
    },

    undo: (actor: Actor, batchId: number) => undoBatch(deps.database, batchId, actor.username),
    freshness: () => dataFreshness(deps.database),
  };
}
export type ImportService = ReturnType<typeof createImportService>;
