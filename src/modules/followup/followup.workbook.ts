import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { DB, FollowupOutcome } from '../../db/schema.js';
import type { RowError } from '../../core/errors.js';
import { ValidationError } from '../../core/errors.js';
import { fenToYuanString } from '../../core/money.js';
import { tablesToXlsx, type ExportColumn } from '../../export/table-export.js';
import { assertCan, scopedCounty, type Actor } from '../../server/rbac.js';
import { recordAudit } from '../audit/audit.repository.js';
import * as repo from './followup.repository.js';
import { listFollowups, type FollowupItem } from './followup.service.js';
import { OUTCOME_LABELS, OUTCOMES, parseOutcome, REASON_LABELS } from './followup.rules.js';

/**
 * The field-staff round trip: a county's list goes out as .xlsx with the item id in the first
 * column; staff fill in 结果 outcome and 备注 note; the same file comes back and is matched by id.
 */
const COLUMNS: ExportColumn[] = [
  { key: 'item_id', header: '编号 item_id', kind: 'integer' },
  { key: 'list_date', header: '生成日期 list_date', kind: 'date' },
  { key: 'reason', header: '核查原因 reason', kind: 'text' },
  { key: 'subscriber_id', header: '用户编码 subscriber_id', kind: 'text' },
  { key: 'account_id', header: '账户编码 account_id', kind: 'text' },
  { key: 'customer_name', header: '客户名称 name', kind: 'text' },
  { key: 'phone', header: '联系电话 phone', kind: 'text' },
  { key: 'product_code', header: '业务 product', kind: 'text' },
  { key: 'figures', header: '情况 figures', kind: 'text' },
  { key: 'assignee', header: '责任人 assignee', kind: 'text' },
  { key: 'outcome', header: '结果 outcome', kind: 'text' },
  { key: 'note', header: '备注 note', kind: 'text' },
];

/** The figures of an item as one readable line for the sheet. */
export function figuresText(it: Pick<FollowupItem, 'reason' | 'figures'>): string {
  const f = it.figures;
  switch (it.reason) {
    case 'single_stop':
    case 'dual_stop':
      return `工单 ${String(f.order_id)} ${String(f.order_day)}`;
    case 'zero_fee':
      return `${String(f.from_month)}~${String(f.to_month)} 零费用`;
    case 'contract_ending':
      return `合约 ${String(f.contract_id)} ${String(f.end_date)} 到期（剩 ${String(f.days_left)} 天）`;
    case 'arrears':
      return `欠费 ${fenToYuanString(Number(f.owed))} 元，${String(f.months_owed)} 个月，最早 ${String(f.oldest_month)}`;
  }
}

export async function exportFollowupsXlsx(
  db: Kysely<DB>,
  actor: Actor,
  q: { county: string; date: string },
): Promise<{ buffer: Buffer; rows: number }> {
  const county = scopedCounty(actor, q.county);
  const items = await listFollowups(db, actor, { date: q.date, county });
  const rows = items.map((it) => ({
    ...it,
    reason: REASON_LABELS[it.reason].zh,
    figures: figuresText(it),
    outcome: it.outcome ? OUTCOME_LABELS[it.outcome].zh : '',
  }));
  const buffer = await tablesToXlsx([
    {
      sheetName: '逐户核查',
      title: `${county ?? ''} 逐户核查清单 ${q.date}（结果可填：${OUTCOMES.map((o) => OUTCOME_LABELS[o].zh).join('/')}）`,
      columns: COLUMNS,
      rows,
    },
  ]);
  await recordAudit(db, {
    actor: actor.username,
    action: 'export',
    entity: 'followup_list',
    entityId: q.date,
    county,
    detail: { rows: rows.length },
  });
  return { buffer, rows: rows.length };
}

export type OutcomeImportReport = {
  status: 'imported' | 'partial' | 'rejected';
  rows: number;
  applied: number;
  unchanged: number;
  blank: number;
  errors: RowError[];
};

type ParsedRow = { row: number; itemId: number; outcome: FollowupOutcome; note: string | null };

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v)
    return v.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
  if ('text' in v) return String(v.text).trim();
  return '';
}

const rowErr = (row: number, column: string, value: string, zh: string, en: string): RowError => ({
  row,
  column,
  value,
  message_zh: zh,
  message_en: en,
});

/** Read the filled sheet: header row located by its item_id column; blank outcome rows are skipped. */
export async function parseOutcomeWorkbook(
  buf: Buffer,
): Promise<{ parsed: ParsedRow[]; errors: RowError[]; rows: number; blank: number }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new ValidationError(
      '无法读取该文件，请上传导出的 .xlsx 清单',
      'Cannot read the file; upload the exported .xlsx list',
    );
  }
  const ws = wb.worksheets[0];
  let headerRow = 0;
  const col = { id: 0, outcome: 0, note: 0 };
  for (let r = 1; ws && r <= Math.min(5, ws.rowCount) && !headerRow; r++) {
    ws.getRow(r).eachCell((cell, c) => {
      const t = cellText(cell.value).toLowerCase();
      if (t.includes('item_id')) col.id = c;
      if (t.includes('outcome')) col.outcome = c;
      if (t.includes('note')) col.note = c;
    });
    if (col.id && col.outcome) headerRow = r;
  }
  if (!ws || !headerRow) {
    throw new ValidationError(
      '文件中找不到「编号 item_id」和「结果 outcome」列，请使用导出的清单',
      'The file has no "item_id" and "outcome" columns; use the exported list',
    );
  }
  const parsed: ParsedRow[] = [];
  const errors: RowError[] = [];
  let rows = 0;
  let blank = 0;
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const idText = cellText(row.getCell(col.id).value);
    const outText = cellText(row.getCell(col.outcome).value);
    const note = col.note ? cellText(row.getCell(col.note).value) : '';
    if (!idText && !outText && !note) continue;
    rows += 1;
    if (!/^\d{1,15}$/.test(idText)) {
      errors.push(rowErr(r, 'item_id', idText, '编号无效', 'invalid item id'));
      continue;
    }
    if (!outText) {
      blank += 1;
      continue;
    }
    const outcome = parseOutcome(outText);
    if (!outcome) {
      errors.push(
        rowErr(
          r,
          'outcome',
          outText,
          `结果无效，可填：${OUTCOMES.map((o) => OUTCOME_LABELS[o].zh).join('、')}`,
          `invalid outcome; use one of ${OUTCOMES.join(', ')}`,
        ),
      );
      continue;
    }
    if (note.length > 4000) {
      errors.push(
        rowErr(r, 'note', note.slice(0, 50), '备注超过 4000 字', 'note longer than 4000 characters'),
      );
      continue;
    }
    parsed.push({ row: r, itemId: Number(idText), outcome, note: note || null });
  }
  return { parsed, errors, rows, blank };
}

/**
 * Import filled outcomes. Like every import: all or nothing by default (any bad row rejects the file
 * and lists every bad row); with `partial` the good rows land and the bad ones are reported.
 */
export async function importOutcomesXlsx(
  db: Kysely<DB>,
  actor: Actor,
  buf: Buffer,
  opts: { partial?: boolean; fileName?: string } = {},
): Promise<OutcomeImportReport> {
  assertCan(actor, 'followup:work');
  const { parsed, errors, rows, blank } = await parseOutcomeWorkbook(buf);
  return db.transaction().execute(async (trx) => {
    const found = new Map(
      (await repo.getItemsForUpdate(trx, [...new Set(parsed.map((p) => p.itemId))])).map((i) => [
        i.item_id,
        i,
      ]),
    );
    const good: ParsedRow[] = [];
    for (const p of parsed) {
      const item = found.get(p.itemId);
      if (!item) {
        errors.push(
          rowErr(
            p.row,
            'item_id',
            String(p.itemId),
            '没有这个编号的跟进事项',
            'no follow-up item with this id',
          ),
        );
      } else if (actor.countyScope !== null && item.county_code !== actor.countyScope) {
        errors.push(
          rowErr(
            p.row,
            'item_id',
            String(p.itemId),
            `该事项属于 ${item.county_code} 县区，不能修改`,
            `the item belongs to county ${item.county_code}; you cannot change it`,
          ),
        );
      } else good.push(p);
    }
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const status = errors.length === 0 ? 'imported' : opts.partial ? 'partial' : 'rejected';
    let applied = 0;
    let unchanged = 0;
    if (status !== 'rejected') {
      for (const p of good) {
        const item = found.get(p.itemId);
        if (!item) continue;
        if (item.outcome === p.outcome && item.note === p.note && item.status === 'closed') {
          unchanged += 1;
          continue;
        }
        await repo.setOutcome(trx, p.itemId, { outcome: p.outcome, note: p.note, by: actor.username });
        item.outcome = p.outcome;
        item.note = p.note;
        item.status = 'closed';
        applied += 1;
      }
      await recordAudit(trx, {
        actor: actor.username,
        action: 'import',
        entity: 'followup_outcomes',
        entityId: opts.fileName ?? null,
        county: actor.countyScope,
        detail: { rows, applied, unchanged, blank, errors: errors.length, items: good.map((g) => g.itemId) },
      });
    }
    return { status, rows, applied, unchanged, blank, errors };
  });
}
