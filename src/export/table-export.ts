import ExcelJS from 'exceljs';
import { fenToYuanString } from '../core/money.js';

/**
 * The one export path: every table the app lets people download (metric answers, drill-downs, lists)
 * goes through these two functions, so money, rates and text are written the same way everywhere and
 * no cell can become a formula.
 */
export type ExportColumn = {
  key: string;
  header: string;
  kind: 'text' | 'integer' | 'money' | 'rate' | 'date' | 'number';
};
export type ExportTable = {
  sheetName: string;
  title?: string;
  columns: ExportColumn[];
  rows: Record<string, unknown>[];
};

/** Characters that make a spreadsheet treat a cell as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A plain number as the contract writes integers and money: optional sign, optional currency sign
 * before or after it, digits (or thousands groups of exactly three), optional decimals. A spreadsheet
 * reads it as a number, never as a formula.
 */
const PLAIN_NUMBER = /^(?:[+-]?[¥￥]?|[¥￥][+-])(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;

/**
 * The one formula-injection rule of every export (csv and xlsx, cells and headers): text that a
 * spreadsheet would run as a formula (`=1+2`, `-2+3`, `@SUM(A1)`, `+cmd|…`, a leading tab or CR) must be
 * written as text. A plain number such as `-12.00` or `-1,234.50` is left alone: prefixing it would turn
 * a rejected row's negative amount into `'-12.00`, which the import rejects when the fixed file comes
 * back.
 */
export const isFormulaLike = (s: string): boolean => FORMULA_START.test(s) && !PLAIN_NUMBER.test(s);

/** Text for a csv cell: a formula-like value gets the apostrophe prefix spreadsheets show as text. */
export const csvText = (s: string): string => (isFormulaLike(s) ? `'${s}` : s);

const asText = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
};

const asNumber = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Excel sheet names: at most 31 characters, none of []:*?/\ . */
function sheetNameOf(name: string, used: Set<string>): string {
  const base = (name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet').trim() || 'Sheet';
  let n = base;
  for (let i = 2; used.has(n.toLowerCase()); i++) n = `${base.slice(0, 31 - String(i).length - 1)}_${i}`;
  used.add(n.toLowerCase());
  return n;
}

/** Display width of a string, counting CJK characters as two. */
const widthOf = (s: string): number =>
  Array.from(s).reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);

function cellValue(col: ExportColumn, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  switch (col.kind) {
    case 'money': {
      const n = asNumber(v);
      // fen → yuan: exact for every safe-integer fen amount at two decimals
      return n === null ? asText(v) : n / 100;
    }
    case 'integer':
    case 'number':
    case 'rate': {
      const n = asNumber(v);
      return n === null ? asText(v) : n;
    }
    case 'date':
    case 'text':
      return asText(v);
  }
}

const NUM_FMT: Partial<Record<ExportColumn['kind'], string>> = {
  money: '#,##0.00',
  rate: '0.00%',
  integer: '0',
};

export async function tablesToXlsx(tables: ExportTable[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'MarketOps';
  const used = new Set<string>();
  for (const t of tables) {
    const ws = wb.addWorksheet(sheetNameOf(t.sheetName, used));
    let headerRowNo = 1;
    if (t.title) {
      const titleCell = ws.getCell(1, 1);
      titleCell.value = { richText: [{ text: t.title, font: { bold: true } }] };
      headerRowNo = 2;
    }
    const widths = t.columns.map((c) => Math.max(8, widthOf(c.header) + 2));
    const header = ws.getRow(headerRowNo);
    t.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      // rich text is always a string cell, never a formula, whatever the header says
      cell.value = { richText: [{ text: c.header }] };
      cell.font = { bold: true };
    });
    header.commit();
    t.rows.forEach((r, ri) => {
      const row = ws.getRow(headerRowNo + 1 + ri);
      t.columns.forEach((c, ci) => {
        const v = cellValue(c, r[c.key]);
        if (v === null) return;
        const cell = row.getCell(ci + 1);
        if (typeof v === 'string') {
          // a formula-like string must stay text: write it as rich text, which exceljs never turns into a
          // formula and Excel shows as typed
          cell.value = isFormulaLike(v) ? { richText: [{ text: v }] } : v;
          widths[ci] = Math.max(widths[ci] ?? 8, Math.min(60, widthOf(v) + 2));
        } else {
          cell.value = v;
          const fmt = NUM_FMT[c.kind];
          if (fmt) cell.numFmt = fmt;
          widths[ci] = Math.max(widths[ci] ?? 8, String(v).length + 4);
        }
      });
      row.commit();
    });
    ws.columns.forEach((col, i) => {
      col.width = widths[i] ?? 10;
    });
    ws.views = [{ state: 'frozen', ySplit: headerRowNo }];
  }
  const buf = await wb.xlsx.writeBuffer();
  return Buffer.from(buf as ArrayBuffer);
}

const csvQuote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function csvCell(col: ExportColumn, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (col.kind === 'money') {
    const n = asNumber(v);
    if (n !== null && Number.isSafeInteger(n)) return fenToYuanString(n);
  }
  if (col.kind === 'integer' || col.kind === 'number' || col.kind === 'rate' || col.kind === 'money') {
    const n = asNumber(v);
    if (n !== null) return String(n);
  }
  const s = asText(v);
  return csvQuote(csvText(s));
}

/** UTF-8 CSV with a BOM (so Excel opens Chinese text correctly), header row first, CRLF line ends. */
export function tableToCsv(table: ExportTable): string {
  const lines = [table.columns.map((c) => csvQuote(csvText(c.header))).join(',')];
  for (const r of table.rows) lines.push(table.columns.map((c) => csvCell(c, r[c.key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
