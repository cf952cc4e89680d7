import { onBatchApplied } from '../../ingest/hooks.js';
import { refreshMetricAggregates, type RefreshReport } from './refresh.js';

/*
 * Side-effect module: registers the metrics-aggregate refresh as a batch hook, once per process. It
 * is imported by the import pipeline's entry (src/ingest/pipeline/index.ts), so every process that
 * can apply or undo a batch (server, CLI, scheduler, tests going through the pipeline) has it before
 * its first import. The triggers have already marked what the batch touched; the hook recomputes
 * those slices inside the batch's transaction.
 */
let last: RefreshReport | null = null;

/** The report of this process's latest hook refresh (benchmarks, diagnostics). */
export const lastRefresh = (): RefreshReport | null => last;

onBatchApplied(async (trx) => {
  last = await refreshMetricAggregates(trx);
});
