export type { MetricQuery, MetricRow, MetricAnswer, MetricInfo } from './types.js';
export { METRIC_CATALOG } from './catalog.js';
export { parseMetricQuery } from './query.js';
export { runMetric } from './engine.js';
export { drillMetric, type DrillQuery, type DrillAnswer } from './drill.js';
