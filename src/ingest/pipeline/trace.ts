/** MARKETOPS_IMPORT_TRACE=1 prints the time of each step on stderr (benchmarks, slow imports). */
const TRACE = process.env.MARKETOPS_IMPORT_TRACE === '1';
let traceAt = 0;
export const trace = (label: string): void => {
  if (!TRACE) return;
  const now = performance.now();
  const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
  process.stderr.write(`[import] ${label} ${traceAt ? Math.round(now - traceAt) : 0} ms (rss ${rss} MiB)\n`);
  traceAt = now;
};
