import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** Absolute path of a committed fixture under test/fixtures/import. */
export const importFixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));

/** A fresh temp directory for generated files; remove it with `cleanup()`. */
export function tempDir(prefix = 'marketops-import-'): {
  dir: string;
  file(name: string): string;
  cleanup(): void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: (name) => path.join(dir, name),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Payment `i` of a generated file: ids and amounts are functions of i, so tests can check any row. */
export const generatedPayment = (i: number) => ({
  payment_id: `JF${String(i).padStart(9, '0')}`,
  subscriber_id: `10${String(i % 50_000).padStart(8, '0')}`,
  amount_fen: 1000 + (i % 9000),
  /** second of the day 2026-06-30 */
  second: i % 86_400,
});

/** A GB18030 payments CSV (Chinese headers and values) of `rows` rows, well past the reader's 64 KiB sample. */
export function writeGbPaymentsCsv(file: string, rows: number): void {
  const lines = ['缴费流水号,用户编码,账期,缴费时间,缴费金额,缴费渠道,备注'];
  for (let i = 1; i <= rows; i++) {
    const p = generatedPayment(i);
    const t = `${Math.floor(p.second / 3600)}:${String(Math.floor(p.second / 60) % 60).padStart(2, '0')}`;
    lines.push(
      `${p.payment_id},${p.subscriber_id},202606,2026-06-30 ${t},${(p.amount_fen / 100).toFixed(2)},现金,营业厅缴费第${i}笔`,
    );
  }
  fs.writeFileSync(file, iconv.encode(`${lines.join('\r\n')}\r\n`, 'gb18030'));
}

/**
 * A payments workbook written with exceljs's streaming WorkbookWriter (rows committed one by one, shared
 * strings on): a sheet "说明" first, then "缴费" with numeric code cells, date-time cells and amounts.
 */
export async function writeLargePaymentsXlsx(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: true,
    useStyles: true,
  });
  wb.addWorksheet('说明').addRow(['generated']).commit();
  const ws = wb.addWorksheet('缴费');
  ws.addRow(['缴费流水号', '用户编码', '账期', '缴费时间', '缴费金额', '缴费渠道']).commit();
  for (let i = 1; i <= rows; i++) {
    const p = generatedPayment(i);
    const row = ws.addRow([
      p.payment_id,
      Number(p.subscriber_id),
      202606,
      new Date(Date.UTC(2026, 5, 30) + p.second * 1000),
      p.amount_fen / 100,
      i % 2 ? '现金' : 'bank',
    ]);
    row.getCell(4).numFmt = 'yyyy-mm-dd hh:mm:ss';
    row.commit();
  }
  ws.commit();
  await wb.commit();
}
