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

export type ImportResultStatus = 'imported' | 'partial' | 'rejected' | 'already_imported' | 'skipped';

export type ImportResult = {
  file: string;
  dataset: string | null;
  status: ImportResultStatus;
  batch_id: number | null;
  counts: ImportCounts;
  unknown_columns: string[];
  errors: RowError[];
  message_zh?: string;
  message_en?: string;
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

export type Batch = {
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

export type Freshness = {
  dataset: string;
  last_date?: string | null;
  last_month?: string | null;
  rows: number;
  last_import_at: string | null;
  missing_days: string[];
};

export type Page<T> = { rows: T[]; total: number };

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
  undo: (batchId: number) => http.post<unknown>(`/api/imports/batches/${batchId}/undo`),
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
