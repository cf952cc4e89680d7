import { buildUrl, http } from './http';

export type ImportCounts = {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
};

export type RowError = {
  row: number | null;
  column: string | null;
  value: string | null;
  message_zh: string;
  message_en: string;
};

export type ImportResultStatus = 'imported' | 'partial' | 'rejected' | 'already_imported';

export type ImportResult = {
  file: string;
  dataset: string;
  status: ImportResultStatus;
  batch_id: number | null;
  counts: ImportCounts;
  unknown_columns: string[];
  errors: RowError[];
};

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export type ImportJob = {
  jobId: string;
  status: JobStatus;
  file: string;
  dataset: string | null;
  rows: number;
  rowsPerSec: number;
  percent: number;
  result?: ImportResult;
  error?: { message_zh?: string; message_en?: string; message?: string };
};

/** POST /api/imports/batches/:id/undo (src/ingest/pipeline/undo.ts). */
export type UndoResult = { batch_id: number; dataset: string; restored: number; deleted: number };

/** One row of GET /api/imports/batches (src/modules/imports/imports.repository.ts BatchSummary). */
export type Batch = {
  batch_id: number;
  dataset: string;
  file_name: string;
  file_hash: string;
  actor: string;
  /** imported | partial | rejected | undone */
  status: string;
  allow_partial: boolean;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: ImportCounts;
  unknown_columns: string[];
  undone_at: string | null;
  undone_by: string | null;
};

/** One dataset of GET /api/imports/freshness (src/ingest/pipeline/freshness.ts DatasetFreshness). */
export type Freshness = {
  dataset: string;
  zh: string;
  rows: number;
  /** last business date ('YYYY-MM-DD') or, for bills, the last bill month ('YYYY-MM') */
  lastLoaded: string | null;
  firstLoaded: string | null;
  lastBatchAt: string | null;
  /** daily datasets only; null for the others */
  missingDays: string[] | null;
};

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

export const importsApi = {
  upload: (files: File[], dataset: string | null, allowPartial: boolean) => {
    const form = new FormData();
    if (dataset) form.append('dataset', dataset);
    form.append('allowPartial', allowPartial ? 'true' : 'false');
    for (const file of files) form.append('files', file, file.name);
    return http.post<{ jobs: { jobId: string; file: string; dataset: string | null }[] }>(
      '/api/imports',
      form,
    );
  },
  job: (jobId: string) => http.get<ImportJob>(`/api/imports/jobs/${encodeURIComponent(jobId)}`),
  batches: (page: number, pageSize: number) =>
    http.get<Page<Batch>>('/api/imports/batches', { page, pageSize }),
  rejectsUrl: (batchId: number, format: 'csv' | 'xlsx') =>
    buildUrl(`/api/imports/batches/${batchId}/rejects`, { format }),
  undo: (batchId: number) => http.post<UndoResult>(`/api/imports/batches/${batchId}/undo`),
  freshness: () => http.get<{ datasets: Freshness[] }>('/api/imports/freshness'),
};

/** Dataset ids of the data contract, for the manual choice in the import centre. */
export const DATASETS = [
  'counties',
  'outlets',
  'products',
  'packages',
  'warehouses',
  'items',
  'subscribers',
  'orders',
  'contracts',
  'bills',
  'payments',
  'refunds',
  'adjustments',
  'cash_deposits',
  'deposits',
  'stock_moves',
] as const;
