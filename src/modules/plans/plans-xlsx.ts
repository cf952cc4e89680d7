import ExcelJS from 'exceljs';
import type { RowError } from '../../core/errors.js';
import { parseMoney } from '../../core/money.js';
import { tablesToXlsx } from '../../export/table-export.js';
import { parseDistribution, parseWeights } from './spec-parse.js';
import {
  isPlanMetric,
  PLAN_METRICS,
  type DistributionSpec,
  type PlanMetric,
  type WeightsSpec,
} from './plan.types.js';
import { REASON_CATEGORIES, type ReasonCategory } from './reviews.service.js';

/**
 * The targets template (download, fill, upload) and the monthly review export. Template columns:
 * year, metric, product (blank = all), annual (yuan for revenue), weights, distribution, m1..m12
 * (optional city month values; when given they are the distribution).
 */
const MONTHS = Array.from({ length: 12 }, (_, i) => `m${i + 1}`);
export const TEMPLATE_COLUMNS = ['year', 'metric', 'product', 'annual', 'weights', 'distribution', ...MONTHS];

export async function targetsTemplate(
  year: number,
  counties: { county_code: string; county_name: string; households: number | null }[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'MarketOps';
  const ws = wb.addWorksheet('targets');
  ws.addRow(TEMPLATE_COLUMNS);
  ws.getRow(1).font = { bold: true };
  ws.addRow([year, 'revenue', '', 1200000, 'blend:last_year=0.6,households=0.4', 'equal']);
  ws.addRow([year, 'new_installs', '', 24000, 'households', 'last_year']);
  ws.columns.forEach((c, i) => (c.width = i === 4 ? 36 : 14));
  const cs = wb.addWorksheet('counties');
  cs.addRow(['county_code', 'county_name', 'households']);
  cs.getRow(1).font = { bold: true };
  for (const c of counties) cs.addRow([c.county_code, c.county_name, c.households]);
  const help = wb.addWorksheet('help');
  for (const line of [
    ['填写说明', 'How to fill'],
    [
      '每行一个城市年度目标：year, metric（revenue / new_installs / net_adds）, product（空 = 全部产品）',
      'One city annual target per row: year, metric (revenue / new_installs / net_adds), product (blank = all)',
    ],
    [
      'annual：收入以元为单位（整元），其他为数量；只有 net_adds 可以为负',
      'annual: yuan for revenue (whole yuan), units otherwise; only net_adds may be negative',
    ],
    [
      'weights：manual:C01=3,C02=1 | last_year | households | blend:last_year=0.6,households=0.4',
      'weights: manual:C01=3,C02=1 | last_year | households | blend:last_year=0.6,households=0.4',
    ],
    [
      'distribution：equal | last_year | custom:p1,…,p12（合计 100）；或填写 m1..m12 月度值（合计等于 annual）',
      'distribution: equal | last_year | custom:p1,…,p12 (sum 100); or fill m1..m12 month values (summing to annual)',
    ],
  ]) {
    help.addRow(line);
  }
  help.getColumn(1).width = 80;
  help.getColumn(2).width = 80;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export type TargetRow = {
  row: number;
  year: number;
  metric: PlanMetric;
  product: string | null;
  annual: number;
  weights: WeightsSpec;
  distribution: DistributionSpec;
};

const cellText = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'result' in v) return cellText(v.result as ExcelJS.CellValue);
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('');
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
};

const err = (row: number, column: string, value: string, zh: string, en: string): RowError => ({
  row,
  column,
  value,
  message_zh: zh,
  message_en: en,
});

/** Amount in the template unit → stored unit (fen for revenue). */
function amountOf(metric: PlanMetric, text: string): number | { zh: string; en: string } {
  if (metric === 'revenue') {
    const m = parseMoney(text);
    return m.ok ? m.fen : { zh: m.zh, en: m.en };
  }
  return /^-?\d+$/.test(text) ? Number(text) : { zh: '必须是整数', en: 'must be a whole number' };
}

/** Read an uploaded targets workbook; every problem is reported with its row and column. */
export async function parseTargets(buf: Buffer): Promise<{ rows: TargetRow[]; errors: RowError[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    return {
      rows: [],
      errors: [
        {
          row: null,
          column: null,
          value: null,
          message_zh: '不是有效的 .xlsx 文件',
          message_en: 'Not a valid .xlsx file',
        },
      ],
    };
  }
  const ws = wb.getWorksheet('targets') ?? wb.worksheets[0];
  if (!ws)
    return {
      rows: [],
      errors: [
        {
          row: null,
          column: null,
          value: null,
          message_zh: '工作簿没有工作表',
          message_en: 'The workbook has no sheet',
        },
      ],
    };
  const header = new Map<string, number>();
  ws.getRow(1).eachCell((c, col) => header.set(cellText(c.value).toLowerCase(), col));
  const missing = TEMPLATE_COLUMNS.slice(0, 6).filter((c) => !header.has(c));
  if (missing.length) {
    return {
      rows: [],
      errors: [
        {
          row: 1,
          column: missing.join(','),
          value: null,
          message_zh: `缺少列：${missing.join(', ')}`,
          message_en: `Missing columns: ${missing.join(', ')}`,
        },
      ],
    };
  }
  const rows: TargetRow[] = [];
  const errors: RowError[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const get = (c: string) => {
      const col = header.get(c);
      return col === undefined ? '' : cellText(row.getCell(col).value);
    };
    if (TEMPLATE_COLUMNS.every((c) => get(c) === '')) continue;
    const before = errors.length;
    const year = get('year');
    if (!/^\d{4}$/.test(year)) errors.push(err(r, 'year', year, '年份无效', 'Not a valid year'));
    const metric = get('metric');
    if (!isPlanMetric(metric))
      errors.push(
        err(
          r,
          'metric',
          metric,
          `指标应为 ${PLAN_METRICS.join(' / ')}`,
          `The metric must be ${PLAN_METRICS.join(' / ')}`,
        ),
      );
    const m: PlanMetric = isPlanMetric(metric) ? metric : 'new_installs';
    const annualText = get('annual');
    const annual = amountOf(m, annualText);
    if (typeof annual !== 'number') errors.push(err(r, 'annual', annualText, annual.zh, annual.en));
    const w = parseWeights(get('weights'));
    if (!w.ok) errors.push(err(r, 'weights', get('weights'), w.zh, w.en));
    const monthTexts = MONTHS.map(get);
    let distribution: DistributionSpec | undefined;
    if (monthTexts.some((t) => t !== '')) {
      const values: number[] = [];
      monthTexts.forEach((t, i) => {
        const v = amountOf(m, t);
        if (typeof v === 'number') values.push(v);
        else errors.push(err(r, `m${i + 1}`, t, v.zh, v.en));
      });
      distribution = { kind: 'months', values };
    } else {
      const d = parseDistribution(get('distribution') || 'equal');
      if (d.ok) distribution = d.value;
      else errors.push(err(r, 'distribution', get('distribution'), d.zh, d.en));
    }
    if (errors.length === before && typeof annual === 'number' && w.ok && distribution) {
      rows.push({
        row: r,
        year: Number(year),
        metric: m,
        product: get('product') || null,
        annual,
        weights: w.value,
        distribution,
      });
    }
  }
  if (!rows.length && !errors.length)
    errors.push({
      row: null,
      column: null,
      value: null,
      message_zh: '模板中没有目标行',
      message_en: 'The template has no target rows',
    });
  return { rows, errors };
}

export type ReviewExport = {
  year: number;
  month: number;
  items: {
    county_code: string;
    metric: string;
    reason_category: string;
    reason_text: string;
    actions: { action: string; owner: string; due_date: string; status: string }[];
  }[];
  follow_up: {
    county_code: string;
    review_month: number;
    action: string;
    owner: string;
    due_date: string;
    status: string;
    follow_up: string;
  }[];
};

const reasonLabel = (c: string) => {
  const l = REASON_CATEGORIES[c as ReasonCategory];
  return l ? `${l.zh} / ${l.en}` : c;
};

function reviewTables(r: ReviewExport) {
  const items = r.items.flatMap((i) =>
    (i.actions.length ? i.actions : [null]).map((a) => ({
      county: i.county_code,
      metric: i.metric,
      reason: reasonLabel(i.reason_category),
      text: i.reason_text,
      action: a?.action ?? '',
      owner: a?.owner ?? '',
      due: a?.due_date ?? '',
      status: a?.status ?? '',
    })),
  );
  return [
    {
      sheetName: `月度分析 ${r.year}-${String(r.month).padStart(2, '0')}`,
      columns: [
        { key: 'county', header: '县区 County', kind: 'text' as const },
        { key: 'metric', header: '指标 Metric', kind: 'text' as const },
        { key: 'reason', header: '原因分类 Reason', kind: 'text' as const },
        { key: 'text', header: '说明 Details', kind: 'text' as const },
        { key: 'action', header: '措施 Action', kind: 'text' as const },
        { key: 'owner', header: '责任人 Owner', kind: 'text' as const },
        { key: 'due', header: '完成时限 Due', kind: 'date' as const },
        { key: 'status', header: '状态 Status', kind: 'text' as const },
      ],
      rows: items,
    },
    {
      sheetName: '跟踪 Follow-up',
      columns: [
        { key: 'county_code', header: '县区 County', kind: 'text' as const },
        { key: 'review_month', header: '提出月份 Month', kind: 'integer' as const },
        { key: 'action', header: '措施 Action', kind: 'text' as const },
        { key: 'owner', header: '责任人 Owner', kind: 'text' as const },
        { key: 'due_date', header: '完成时限 Due', kind: 'date' as const },
        { key: 'status', header: '状态 Status', kind: 'text' as const },
        { key: 'follow_up', header: '进展 Follow-up', kind: 'text' as const },
      ],
      rows: r.follow_up,
    },
  ];
}

export const reviewToXlsx = (r: ReviewExport): Promise<Buffer> => tablesToXlsx(reviewTables(r));

const esc = (s: unknown) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** A printable page for the meeting (no scripts, everything escaped). */
export function reviewToHtml(r: ReviewExport): string {
  const title = `月度分析 Monthly review ${r.year}-${String(r.month).padStart(2, '0')}`;
  const table = (t: ReturnType<typeof reviewTables>[number]) =>
    `<h2>${esc(t.sheetName)}</h2><table><thead><tr>${t.columns.map((c) => `<th>${esc(c.header)}</th>`).join('')}</tr></thead><tbody>${
      t.rows
        .map(
          (row) =>
            `<tr>${t.columns.map((c) => `<td>${esc((row as Record<string, unknown>)[c.key])}</td>`).join('')}</tr>`,
        )
        .join('') || `<tr><td colspan="${t.columns.length}">—</td></tr>`
    }</tbody></table>`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:2em}
th,td{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}
@media print{body{margin:0}}</style></head><body><h1>${esc(title)}</h1>${reviewTables(r).map(table).join('')}</body></html>`;
}
