import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../datasets/index.js';
import { generatedPayment, tempDir, writeLargePaymentsXlsx } from '../../../test/support/fixture-files.js';
import { openDatasetFile } from '../open-file.js';

const ROWS = 200_000;
const tmp = tempDir();
const file = tmp.file('payments-200k.xlsx');

beforeAll(async () => {
  await writeLargePaymentsXlsx(file, ROWS);
}, 120_000);
afterAll(() => tmp.cleanup());

describe('a 200,000-row workbook written by exceljs WorkbookWriter', () => {
  it('streams every row with flat memory', async () => {
    expect(fs.statSync(file).size).toBeGreaterThan(2_000_000);
    const opened = await openDatasetFile(file, DATASETS.payments);
    expect(opened.sheet).toBe('缴费');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let count = 0;
    let errors = 0;
    let lastRowNo = 0;
    const checked: Record<number, unknown> = {};
    for await (const r of opened.rows) {
      count++;
      if (r.errors.length > 0) errors++;
      expect(r.rowNo).toBe(lastRowNo === 0 ? 2 : lastRowNo + 1);
      lastRowNo = r.rowNo;
      if (count % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      if (count === 1 || count === 123_457 || count === ROWS) checked[count] = r.values;
    }
    expect(count).toBe(ROWS);
    expect(errors).toBe(0);
    for (const i of [1, 123_457, ROWS]) {
      const p = generatedPayment(i);
      const hh = String(Math.floor(p.second / 3600)).padStart(2, '0');
      const mm = String(Math.floor(p.second / 60) % 60).padStart(2, '0');
      const ss = String(p.second % 60).padStart(2, '0');
      expect(checked[i]).toEqual({
        payment_id: p.payment_id,
        subscriber_id: String(Number(p.subscriber_id)),
        bill_month: '2026-06-01',
        paid_at: `2026-06-30 ${hh}:${mm}:${ss}+08`,
        amount: p.amount_fen,
        channel: i % 2 ? 'cash' : 'bank',
        outlet_code: null,
        operator_id: null,
      });
    }
    const progress = opened.progress();
    expect(progress.bytesRead).toBe(progress.bytesTotal);
    // The sheet XML is far larger than this: rows are not accumulated (only the shared-string table is kept).
    const growthMb = (peak - baseline) / 1e6;
    expect(growthMb).toBeLessThan(120);
  }, 120_000);
});
