import type { ExportColumn, ExportTable } from '../export/table-export.js';
import { metricInfo } from './catalog.js';
import type { DrillAnswer } from './drill.js';
import type { MetricAnswer } from './types.js';

const KEY_HEADERS: Record<string, string> = {
  county: '县区 County',
  product: '产品 Product',
  month: '月份 Month',
  outlet: '网点 Outlet',
  warehouse: '仓库 Warehouse',
  item: '物料 Item',
  bucket: '账龄 Aging',
};

/** A metric answer as an export table: group keys, then value (and numerator/denominator for a rate). */
export function answerTable(a: MetricAnswer): ExportTable {
  const info = metricInfo(a.metric);
  const unit = info?.unit ?? 'count';
  const valueKind: ExportColumn['kind'] = unit === 'fen' ? 'money' : unit === 'rate' ? 'rate' : 'integer';
  const columns: ExportColumn[] = a.by.map((k) => ({ key: k, header: KEY_HEADERS[k] ?? k, kind: 'text' }));
  columns.push({
    key: 'value',
    header: `${info?.label_zh ?? a.metric} ${info?.label_en ?? ''}`.trim(),
    kind: valueKind,
  });
  if (unit === 'rate') {
    columns.push(
      { key: 'numerator', header: '分子 Numerator', kind: 'integer' },
      { key: 'denominator', header: '分母 Denominator', kind: 'integer' },
    );
  }
  const when = [a.from && `${a.from}~${a.to}`, a.at, a.month, a.cutoff && `cutoff ${a.cutoff}`]
    .filter(Boolean)
    .join(' ');
  return {
    sheetName: a.metric,
    title: `${info?.label_zh ?? a.metric} ${when}${a.provisional ? ' (暂估 provisional)' : ''}`,
    columns,
    rows: a.rows,
  };
}

export function drillTable(d: DrillAnswer): ExportTable {
  return {
    sheetName: `${d.metric}_records`,
    columns: d.columns.map((c) => ({ key: c.key, header: `${c.label_zh} ${c.label_en}`, kind: c.kind })),
    rows: d.rows,
  };
}
