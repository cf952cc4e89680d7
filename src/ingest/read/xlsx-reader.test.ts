import fs from 'node:fs';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, describe, expect, it, test } from 'vitest';
import { DATASETS } from '../../datasets/index.js';
import { importFixture, tempDir } from '../../../test/support/fixture-files.js';
import { ImportFileError, openDatasetFile, type ParsedRow } from '../open-file.js';
import { CellError } from './types.js';
import { columnIndex, isDateFormat, openXlsx } from './xlsx-reader.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function rowsOf(file: string, dataset: 'payments' | 'subscribers') {
  const opened = await openDatasetFile(file, DATASETS[dataset]);
  const rows: ParsedRow[] = [];
  for await (const r of opened.rows) rows.push(r);
  return { opened, rows };
}

describe('payments.xlsx (written by exceljs)', () => {
  it('picks the sheet named by the Chinese dataset name, not the first one', async () => {
    const { opened } = await rowsOf(importFixture('payments.xlsx'), 'payments');
    expect(opened).toMatchObject({ format: 'xlsx', encoding: null, sheet: '缴费', unknownColumns: ['备注'] });
  });

  it('reads date cells, numeric code cells, formula cells by cached value and serial numbers', async () => {
    const { rows } = await rowsOf(importFixture('payments.xlsx'), 'payments');
    expect(rows.map((r) => r.rowNo)).toEqual([2, 3, 5, 6]);
    expect(rows[0]?.values).toEqual({
      payment_id: 'P20260630001',
      subscriber_id: '1030000001', // numeric cell, never 1030000001.0
      bill_month: '2026-06-01', // date cell formatted yyyy-mm
      paid_at: '2026-06-30 14:05:30+08', // 14:05:30.400 rounded to the second
      amount: 8593,
      channel: 'cash',
      outlet_code: null,
      operator_id: null,
    });
    expect(rows[1]?.values).toMatchObject({
      subscriber_id: '1030000002',
      bill_month: '2026-06-01', // the number 202606
      paid_at: '2026-06-30 09:00:00+08', // built-in date format 14
      amount: 17186, // formula E2*2, cached 171.86
      channel: 'bank',
    });
    expect(rows[2]?.values).toMatchObject({
      subscriber_id: '1030000003',
      bill_month: '2026-06-01',
      paid_at: '2026-06-30 18:30:00+08',
      amount: 120000,
      channel: 'online',
    });
    expect(rows[2]?.raw['备注']).toBe('备注文本');
    expect(rows[3]?.raw).toMatchObject({ 账期: '46174', 缴费时间: '46203.75', 缴费金额: '12.345' });
    expect(rows[3]?.errors.map((e) => e.message_zh)).toEqual([
      '第 6 行「缴费金额」值 "12.345"：金额最多两位小数',
    ]);
  });

  it('hands out the same rows a batch at a time, from the position rows left', async () => {
    const one = await openXlsx(importFixture('payments.xlsx'), ['payments', '缴费']);
    const all = [];
    for (let r = await one.rows.next(); !r.done; r = await one.rows.next()) all.push(r.value);
    const two = await openXlsx(importFixture('payments.xlsx'), ['payments', '缴费']);
    const batched = [(await two.rows.next()).value];
    for (let b = await two.batches.next(); !b.done; b = await two.batches.next()) batched.push(...b.value);
    expect(batched).toEqual(all);
    expect(all.map((r) => r.rowNo)).toEqual([1, 2, 3, 5, 6]);
  });

  it('gives typed cells: Date for date-formatted numbers, numbers for General ones, cached formula values', async () => {
    const src = await openXlsx(importFixture('payments.xlsx'), ['payments', '缴费']);
    const rows = [];
    for (let r = await src.rows.next(); !r.done; r = await src.rows.next()) rows.push(r.value);
    expect(rows.map((r) => r.rowNo)).toEqual([1, 2, 3, 5, 6]);
    expect(rows[1]?.cells).toEqual([
      'P20260630001',
      1030000001,
      new Date(Date.UTC(2026, 5, 1)),
      new Date(Date.UTC(2026, 5, 30, 14, 5, 30)), // written with .400 ms: rounded to the second
      85.93,
      '现金',
    ]);
    expect(rows[2]?.cells[4]).toBe(171.86);
    expect(rows[4]?.cells).toEqual(['P20260630004', 1030000004, 46174, 46203.75, 12.345, 'cash']);
    expect(src.progress().bytesRead).toBe(src.progress().bytesTotal);
  });

  it('recognises an xlsx upload stored without an extension by its zip signature', async () => {
    const file = tmp.file('upload-0001');
    fs.copyFileSync(importFixture('payments.xlsx'), file);
    const { opened, rows } = await rowsOf(file, 'payments');
    expect(opened.format).toBe('xlsx');
    expect(rows).toHaveLength(4);
  });
});

describe('subscribers.xlsx (only sheet "Sheet1")', () => {
  it('falls back to the first sheet and reads codes, rich text and Chinese date formats', async () => {
    const { opened, rows } = await rowsOf(importFixture('subscribers.xlsx'), 'subscribers');
    expect(opened.sheet).toBe('Sheet1');
    expect(rows[0]?.values).toEqual({
      subscriber_id: '1030000001',
      account_id: '2000001',
      customer_name: '张三',
      id_number: '110101199001011234',
      phone: '13800138000',
      county_code: 'C01',
      outlet_code: null,
      product_code: 'BB',
      package_code: 'BB100',
      install_date: '2025-01-10', // date cell formatted yyyy"年"m"月"d"日"
      status: 'normal',
      disconnect_date: null,
      terminal_sn: null,
    });
    expect(rows[2]?.values).toMatchObject({ subscriber_id: '1030000003', install_date: '2025-01-10' }); // serial 45667
  });

  it('rejects an 18-digit ID number stored as a number, telling the user to format the column as text', async () => {
    const { rows } = await rowsOf(importFixture('subscribers.xlsx'), 'subscribers');
    const row3 = rows[1];
    expect(row3?.raw['客户名称']).toBe('李四'); // rich text runs joined
    expect(row3?.errors).toHaveLength(1);
    expect(row3?.errors[0]).toMatchObject({
      row: 3,
      column: '证件号码',
      value: String(Number('110101199001011234')),
    });
    expect(row3?.errors[0]?.message_zh).toContain('请把该列设置为文本格式后重新导出');
    expect(row3?.errors[0]?.message_en).toContain('format the column as text and export again');
  });
});

describe('xlsx internals', () => {
  test.each<[string, number]>([
    ['A1', 0],
    ['Z9', 25],
    ['AA10', 26],
    ['AZ1', 51],
    ['XFD1048576', 16383],
  ])('column of %s is %d', (ref, idx) => {
    expect(columnIndex(ref)).toBe(idx);
  });

  test.each<[number, string | undefined, boolean]>([
    [14, undefined, true],
    [22, undefined, true],
    [31, undefined, true], // CJK built-in: yyyy"年"m"月"d"日"
    [0, undefined, false],
    [2, undefined, false],
    [49, undefined, false], // @
    [164, 'yyyy-mm-dd', true],
    [164, 'yyyy"年"m"月"', true],
    [164, 'hh:mm:ss', true],
    [164, '[h]:mm', true],
    [164, '[$-804]yyyy/m/d', true],
    [164, '0.00_);[Red](0.00)', false],
    [164, '#,##0"元"', false],
    [164, '"days"0', false],
    [164, '@', false],
    [164, 'General', false],
  ])('format %d %j is a date: %s', (id, code, expected) => {
    expect(isDateFormat(id, code)).toBe(expected);
  });

  it('lists the chosen sheet name and reads raw typed cells', async () => {
    const src = await openXlsx(importFixture('payments.xlsx'), ['nothing']);
    expect(src.sheet).toBe('说明');
    const first = await src.rows.next();
    expect(first.value).toEqual({ rowNo: 1, cells: ['本文件由 BSS 导出，数据在「缴费」工作表'] });
    await src.close();
  });
});

describe('other workbook shapes', () => {
  it('reads inline strings (WorkbookWriter without shared strings)', async () => {
    const file = tmp.file('bills-inline.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
    const ws = wb.addWorksheet('账单');
    ws.addRow(['用户编码', '账期', '应收金额']).commit();
    ws.addRow(['S1', '2026-06', 12.5]).commit();
    ws.commit();
    await wb.commit();
    const opened = await openDatasetFile(file, DATASETS.bills);
    const rows: ParsedRow[] = [];
    for await (const r of opened.rows) rows.push(r);
    expect(opened.sheet).toBe('账单');
    expect(rows.map((r) => [r.rowNo, r.values])).toEqual([
      [2, { subscriber_id: 'S1', bill_month: '2026-06-01', amount: 1250 }],
    ]);
  });

  it('reads dates of a workbook in the 1904 date system', async () => {
    const file = tmp.file('contracts-1904.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    const ws = wb.addWorksheet('contracts');
    ws.addRow(['合约编号', '用户编码', '套餐编码', '生效日期', '到期日期']);
    ws.addRow(['K1', 'S1', 'BB1200', new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2026, 11, 31))]);
    await wb.xlsx.writeFile(file);
    const opened = await openDatasetFile(file, DATASETS.contracts);
    const rows: ParsedRow[] = [];
    for await (const r of opened.rows) rows.push(r);
    expect(rows[0]?.values).toEqual({
      contract_id: 'K1',
      subscriber_id: 'S1',
      package_code: 'BB1200',
      start_date: '2026-01-01',
      end_date: '2026-12-31',
    });
  });
});

describe('hand-made workbooks', () => {
  /** A minimal workbook: no styles, no shared strings, prefixed XML names, given sheet XML. */
  async function minimalXlsx(name: string, sheetData: string): Promise<string> {
    const zip = new JSZip();
    zip.file(
      'xl/workbook.xml',
      '<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="bills" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
    );
    zip.file(
      'xl/_rels/workbook.xml.rels',
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/></Relationships>',
    );
    zip.file(
      'xl/worksheets/data.xml',
      `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>${sheetData}`,
    );
    const file = tmp.file(name);
    fs.writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    return file;
  }
  const inline = (ref: string, text: string) =>
    `<x:c r="${ref}" t="inlineStr"><x:is><x:t>${text}</x:t></x:is></x:c>`;
  const header = `<x:row r="1">${inline('A1', 'subscriber_id')}${inline('B1', 'bill_month')}${inline('C1', 'amount')}</x:row>`;

  it('reads prefixed XML, absolute targets, cells without r and booleans/str/error cells', async () => {
    const file = await minimalXlsx(
      'bills-minimal.xlsx',
      `${header}<x:row r="3"><x:c t="str"><x:f>A1</x:f><x:v>S1</x:v></x:c><x:c><x:v>202606</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>` +
        `<x:row><x:c r="A4" t="e"><x:v>#N/A</x:v></x:c><x:c r="C4"><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
    );
    const src = await openXlsx(file, ['bills']);
    const rows = [];
    for (let r = await src.rows.next(); !r.done; r = await src.rows.next()) rows.push(r.value);
    expect(rows).toEqual([
      { rowNo: 1, cells: ['subscriber_id', 'bill_month', 'amount'] },
      { rowNo: 3, cells: ['S1', 202606, true] },
      { rowNo: 4, cells: [new CellError('#N/A'), null, 5] },
    ]);
  });

  it('reports malformed sheet XML as a damaged file, not a stack trace', async () => {
    const file = await minimalXlsx(
      'bills-broken.xlsx',
      `${header}<x:row r="2"><x:c r="A2"><x:v>1</x:c></x:row>`,
    );
    // a small sheet is damaged within its first chunk, so opening (reading the header) already fails
    const err = await (async () => {
      const opened = await openDatasetFile(file, DATASETS.bills);
      for await (const _ of opened.rows) {
        // read to the damage
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).message_en).toMatch(/^the \.xlsx file is damaged and cannot be read: /);
  });
});
