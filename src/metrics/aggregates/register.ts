import { afterBatchCommitted } from '../../ingest/hooks.js';
import { refreshMetricAggregates, type RefreshReport } from './refresh.js';
// small batches are folded into the aggregates inside their own transaction
import './incremental.js';

/*
 * Side-effect module: registers the metrics-aggregate refresh as a batch hook, once per process. It
 * is imported by the import pipeline's entry (src/ingest/pipeline/index.ts), so every process that
 * can apply or undo a batch (server, CLI, scheduler, tests going through the pipeline) has it before
 * its first import. The triggers have already marked what the batch touched; the hook recomputes
 * those slices right after the batch commits.
 */
let last: RefreshReport | null = null;

/** The report of this process's latest hook refresh (benchmarks, diagnostics). */
export const lastRefresh = (): RefreshReport | null => last;

// After the commit, not inside the batch's transaction: the triggers marked the slices stale in that
// transaction, stale slices are never served (the detail query answers), and recomputing a month
// takes seconds at city scale that the import need not wait for.
// One transaction: a slice's mark is cleared only together with its recomputed rows, and a write that
// marks it again meanwhile waits for that commit, so its mark survives.
afterBatchCommitted(async (db) => {
  last = await db.transaction().execute((trx) => refreshMetricAggregates(trx));
});
