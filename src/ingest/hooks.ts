import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { DatasetKey } from '../datasets/index.js';

/** What a batch (or its undo) changed, for derived data that must follow in the same transaction. */
export type BatchChange = {
  dataset: DatasetKey;
  batchId: number;
  /** 'YYYY-MM' touched by the old and the new versions of every changed row (time column and month columns). */
  months: string[];
  /** Local dates ('YYYY-MM-DD') spanned by the changed rows' time column; null for reference data. */
  dateRange: { from: string; to: string } | null;
  /** Counties of the changed rows (directly or through the subscriber / outlet / warehouse); null = all. */
  counties: string[] | null;
  /** 'apply' when the batch landed, 'undo' when it was undone. */
  action: 'apply' | 'undo';
  /**
   * The staging table holding the rows the batch read (the dataset's columns, written or unchanged);
   * absent for an undo. With import_row_versions (the versions a batch replaced) it lets a hook
   * rebuild the before and after images of exactly the rows the batch touched.
   */
  staged?: string;
};

export type BatchHook = (trx: Transaction<DB>, change: BatchChange) => Promise<void>;

/** Add `hook` to `list`; the returned function removes it again (tests). */
function addHook<T>(list: T[], hook: T): () => void {
  list.push(hook);
  return () => {
    const i = list.indexOf(hook);
    if (i >= 0) list.splice(i, 1);
  };
}

const hooks: BatchHook[] = [];

/**
 * Register derived-data maintenance (aggregate refresh, stale marks). Hooks run inside the applying
 * transaction, so a failing hook rolls the whole batch back: derived data is never left stale.
 * Returns a function that removes the hook (tests).
 */
export function onBatchApplied(hook: BatchHook): () => void {
  return addHook(hooks, hook);
}

let lastMs = 0;

/** Milliseconds the hooks of this process's latest batch (or undo) took: benchmarks, diagnostics. */
export const lastBatchHooksMs = (): number => lastMs;

export async function runBatchHooks(trx: Transaction<DB>, change: BatchChange): Promise<void> {
  const t0 = performance.now();
  try {
    for (const hook of hooks) await hook(trx, change);
  } finally {
    lastMs = performance.now() - t0;
  }
}

/** The batch (or undo) an after-commit hook follows. */
export type CommittedBatch = {
  dataset: DatasetKey;
  action: 'apply' | 'undo';
  /** whether it wrote or restored any row (a rejected or unchanged file writes none) */
  changed: boolean;
};

export type CommittedHook = (db: Kysely<DB>, batch: CommittedBatch) => Promise<void>;

const committedHooks: CommittedHook[] = [];

/**
 * Work that follows a committed batch (or undo) outside its transaction: a recomputation that may take
 * seconds and need not hold the import's locks. Only for derived data whose staleness is already
 * recorded inside the transaction (e.g. by triggers) or that a later run catches up on (the daily
 * follow-up lists), so a crash between commit and hook leaves nothing wrong. A failing hook is reported
 * to `onError` (the caller's log), not to the import, which has landed.
 */
export function afterBatchCommitted(hook: CommittedHook): () => void {
  return addHook(committedHooks, hook);
}

let lastCommittedMs = 0;

/** Milliseconds the after-commit hooks of this process's latest batch took. */
export const lastCommittedHooksMs = (): number => lastCommittedMs;

export async function runCommittedHooks(
  db: Kysely<DB>,
  batch: CommittedBatch,
  onError?: (e: unknown) => void,
): Promise<void> {
  const t0 = performance.now();
  try {
    for (const hook of committedHooks) {
      try {
        await hook(db, batch);
      } catch (e) {
        onError?.(e);
      }
    }
  } finally {
    lastCommittedMs = performance.now() - t0;
  }
}
