import fs from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it, test } from 'vitest';
import { DATASETS } from '../datasets/index.js';
import type { DatasetKey } from '../datasets/types.js';
import {
  generatedPayment,
  importFixture,
  tempDir,
  writeGbPaymentsCsv,
} from '../../test/support/fixture-files.js';
import { ImportFileError, openDatasetFile, type ParsedRow } from './open-file.js';

async function readAll(file: string, dataset: DatasetKey) {
  const opened = await openDatasetFile(file, DATASETS[dataset]);
  const rows: ParsedRow[] = [];
  for await (const r of opened.rows) rows.push(r);
  return { opened, rows };
}

async function fileErrors(file: string, dataset: DatasetKey) {
  const e: unknown = await openDatasetFile(file, DATASETS[dataset]).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportFileError);
  const err = e as ImportFileError;
  expect(err.status).toBe(422);
  expect(err.details).toEqual({ errors: err.errors });
  return err.errors;
}

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('CSV encodings', () => {
  it('reads UTF-8 without BOM: English keys, blank lines counted, optional columns null', async () => {
    const { opened, rows } = await readAll(importFixture('payments-utf8.csv'), 'payments');
    expect(opened).toMatchObject({ format: 'csv', encoding: 'utf-8', sheet: null, unknownColumns: [] });
    expect(opened.columnOf).toEqual({
      payment_id: 'payment_id',
      subscriber_id: 'subscriber_id',
      bill_month: 'bill_month',
      paid_at: 'paid_at',
      amount: 'amount',
      channel: 'channel',
      outlet_code: 'outlet_code',
    });
    expect(rows.map((r) => r.rowNo)).toEqual([2, 4, 5]);
    expect(rows[0]?.values).toEqual({
      payment_id: 'P001',
      subscriber_id: 'S001',
      bill_month: '2026-06-01',
      paid_at: '2026-06-30 09:05:00+08',
      amount: 8593,
      channel: 'cash',
      outlet_code: 'O01',
      operator_id: null,
    });
    expect(rows[1]?.values).toMatchObject({
      bill_month: null,
      amount: 120050,
      channel: 'bank',
      outlet_code: null,
    });
    expect(rows[2]?.values).toBeNull();
    expect(rows[2]?.errors.map((e) => e.message_zh)).toEqual([
      '第 5 行「amount」值 "12.345"：金额最多两位小数',
    ]);
    expect(rows[2]?.raw).toEqual({
      payment_id: 'P003',
      subscriber_id: 'S003',
      bill_month: '2026-06',
      paid_at: '2026/6/30',
      amount: '12.345',
      channel: 'online',
      outlet_code: '',
    });
    expect(opened.progress()).toEqual({ bytesRead: 211, bytesTotal: 211 });
  });

  it('reads UTF-8 with BOM and Chinese headers', async () => {
    const { opened, rows } = await readAll(importFixture('payments-utf8-bom.csv'), 'payments');
    expect(opened.encoding).toBe('utf-8-bom');
    expect(opened.header).toEqual(['缴费流水号', '用户编码', '账期', '缴费时间', '缴费金额', '缴费渠道']);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.values).toMatchObject({
      payment_id: 'P101',
      bill_month: '2026-06-01',
      paid_at: '2026-06-01 08:00:00+08',
      amount: 10000,
      channel: 'cash',
    });
  });

  it('reads GB18030 with Chinese headers like the BSS writes, listing unknown columns', async () => {
    const { opened, rows } = await readAll(importFixture('payments-gb18030.csv'), 'payments');
    expect(opened.encoding).toBe('gb18030');
    expect(opened.unknownColumns).toEqual(['备注']);
    expect(opened.columnOf.outlet_code).toBe('营业厅编码');
    expect(opened.columnOf.amount).toBe('缴费金额');
    expect(rows.map((r) => r.rowNo)).toEqual([2, 3, 4]);
    expect(rows[0]?.values).toEqual({
      payment_id: 'JF20260630001',
      subscriber_id: '1030000001',
      bill_month: '2026-06-01',
      paid_at: '2026-06-30 09:15:00+08',
      amount: 8593,
      channel: 'cash',
      outlet_code: 'YYT001',
      operator_id: null,
    });
    expect(rows[1]?.errors.map((e) => e.message_en)).toEqual([
      'Row 3, column "缴费金额", value "-¥20.00": must be greater than zero',
    ]);
    expect(rows[2]?.values).toMatchObject({
      bill_month: null,
      amount: 123450,
      channel: 'agent',
      outlet_code: null,
    });
    expect(rows[2]?.raw['备注']).toBe('预存款（宽带）');
  });

  test.each([
    ['payments-utf16le.txt', 'utf-16le'],
    ['payments-utf16be.txt', 'utf-16be'],
  ])('reads %s (tab-separated Unicode text with BOM)', async (name, encoding) => {
    const { opened, rows } = await readAll(importFixture(name), 'payments');
    expect(opened.encoding).toBe(encoding);
    expect(opened.header).toEqual(['缴费流水号', '用户编码', '账期', '缴费时间', '缴费金额', '缴费渠道']);
    expect(rows.map((r) => [r.rowNo, r.values?.paid_at, r.values?.amount, r.values?.channel])).toEqual([
      [2, '2026-05-31 23:59:59+08', 5000, 'online'],
      [3, '2026-05-31 08:00:00+08', 6050, 'agent'],
    ]);
  });

  it('keeps a multi-byte character split across read chunks (GB18030, > 64 KiB)', async () => {
    const file = tmp.file('payments-big-gb.csv');
    writeGbPaymentsCsv(file, 3000);
    expect(fs.statSync(file).size).toBeGreaterThan(3 * 64 * 1024);
    const { opened, rows } = await readAll(file, 'payments');
    expect(opened.encoding).toBe('gb18030');
    expect(rows).toHaveLength(3000);
    expect(rows.filter((r) => r.errors.length > 0)).toEqual([]);
    for (const i of [1, 1234, 2999, 3000]) {
      const r = rows[i - 1];
      const p = generatedPayment(i);
      expect(r?.rowNo).toBe(i + 1);
      expect(r?.values?.payment_id).toBe(p.payment_id);
      expect(r?.values?.amount).toBe(p.amount_fen);
      expect(r?.raw['备注']).toBe(`营业厅缴费第${i}笔`);
    }
    expect(opened.progress().bytesRead).toBe(fs.statSync(file).size);
  });
});

describe('CSV structure', () => {
  it('keeps commas, "" and newlines inside quoted fields, numbering rows as Excel shows them', async () => {
    const { rows } = await readAll(importFixture('orders-quoted.csv'), 'orders');
    expect(rows.map((r) => r.rowNo)).toEqual([2, 3, 4, 5]);
    expect(rows[0]?.values?.reason).toBe('客户要求,降档');
    expect(rows[1]?.values?.reason).toBe('第一行\n第二行 "引号"');
    expect(rows[2]?.values).toMatchObject({ order_type: 'disconnect', reason: 'arrears' });
    expect(rows[3]?.errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [5, 'order_date', '2026-06-31 12:00'],
      [5, 'reason', '搬家'],
    ]);
  });

  it('accepts a header with no rows as an empty file', async () => {
    const { opened, rows } = await readAll(importFixture('bills-header-only.csv'), 'bills');
    expect(opened.header).toEqual(['subscriber_id', 'bill_month', 'amount']);
    expect(rows).toEqual([]);
  });

  it('reports an unclosed quote as a file error from the row where it starts', async () => {
    const file = tmp.file('bills-bad-quote.csv');
    fs.writeFileSync(file, 'subscriber_id,bill_month,amount\nS1,202606,10\nS2,202606,"10\n');
    const opened = await openDatasetFile(file, DATASETS.bills);
    const seen: number[] = [];
    const err = await (async () => {
      for await (const r of opened.rows) seen.push(r.rowNo);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([2]);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as ImportFileError).errors[0]?.row).toBe(3);
  });
});

describe('file-level errors, before any row is read', () => {
  it('rejects a file without a header', async () => {
    expect(await fileErrors(importFixture('no-header.csv'), 'payments')).toEqual([
      {
        row: null,
        column: null,
        value: null,
        message_zh: '文件没有表头（第一行非空行应为列名）',
        message_en: 'the file has no header (the first non-empty row must name the columns)',
      },
    ]);
  });

  it('names a missing required column', async () => {
    expect(await fileErrors(importFixture('payments-missing-column.csv'), 'payments')).toEqual([
      {
        row: null,
        column: '缴费金额',
        value: null,
        message_zh: '缺少必填列「缴费金额」(amount)',
        message_en: 'missing required column "amount" (缴费金额)',
      },
    ]);
  });

  it('lists every missing required column', async () => {
    const errors = await fileErrors(importFixture('payments-missing-column.csv'), 'bills');
    expect(errors.map((e) => e.message_en)).toEqual(['missing required column "amount" (应收金额)']);
    const subs = await fileErrors(importFixture('bills-header-only.csv'), 'subscribers');
    expect(subs.map((e) => e.column)).toEqual([
      '账户编码',
      '客户名称',
      '县区编码',
      '业务编码',
      '套餐编码',
      '装机日期',
      '用户状态',
    ]);
  });

  it('rejects a key named by two columns', async () => {
    expect((await fileErrors(importFixture('payments-duplicate-column.csv'), 'payments'))[0]).toMatchObject({
      column: '缴费金额',
      message_en: 'columns "amount" and "缴费金额" both name amount; keep only one',
    });
  });

  test.each(['unsupported-utf16-no-bom.csv', 'unsupported-bytes.csv'])(
    'rejects %s as unsupported encoding',
    async (name) => {
      expect((await fileErrors(importFixture(name), 'payments'))[0]?.message_en).toBe(
        'unsupported encoding: save the file as UTF-8, GB18030/GBK or UTF-16 with a BOM (Unicode text)',
      );
    },
  );

  it('rejects a file that claims to be xlsx but is not a zip', async () => {
    const file = tmp.file('bills.xlsx');
    fs.writeFileSync(file, 'subscriber_id,bill_month,amount\n');
    expect((await fileErrors(file, 'bills'))[0]?.message_en).toBe(
      'not a valid .xlsx file (save it as .xlsx from Excel or WPS)',
    );
  });

  it('rejects old binary .xls files', async () => {
    const file = tmp.file('bills.xls');
    fs.writeFileSync(file, Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
    expect((await fileErrors(file, 'bills'))[0]?.message_en).toBe(
      'old .xls files are not supported: save as .xlsx or CSV',
    );
  });
});

describe('header matching', () => {
  it('ignores case, surrounding spaces and full-width forms, and accepts any alias of the key', async () => {
    const file = tmp.file('bills.csv');
    fs.writeFileSync(file, ' SUBSCRIBER_ID ,账期,ＡＭＯＵＮＴ,备注\n S9 ,2026/6,"¥1,000"\n');
    const { opened, rows } = await readAll(file, 'bills');
    expect(opened.columnOf).toEqual({
      subscriber_id: 'SUBSCRIBER_ID',
      bill_month: '账期',
      amount: 'ＡＭＯＵＮＴ',
    });
    expect(opened.unknownColumns).toEqual(['备注']);
    expect(rows[0]?.values).toEqual({ subscriber_id: 'S9', bill_month: '2026-06-01', amount: 100000 });
    // an alias from another dataset (缴费金额 is payments' label) still means amount in bills
    fs.writeFileSync(file, '用户号,账期,缴费金额\nS9,202606,5\n');
    expect((await readAll(file, 'bills')).rows[0]?.values).toEqual({
      subscriber_id: 'S9',
      bill_month: '2026-06-01',
      amount: 500,
    });
  });
});

describe('bytes invalid past the encoding sample', () => {
  /** A valid header and 70 KiB of valid rows (past the 64 KiB sample), then `tail`. */
  const withTail = (encoding: 'utf8' | 'gb18030', tail: Buffer): Buffer => {
    const rows = Array.from({ length: 4000 }, (_, i) => `S${i},202606,${i}.00,账单备注`).join('\n');
    return Buffer.concat([iconv.encode(`subscriber_id,bill_month,amount,备注\n${rows}\n`, encoding), tail]);
  };

  test.each(['utf8', 'gb18030'] as const)(
    'refuse a %s file with an invalid byte after 64 KiB',
    async (enc) => {
      const file = tmp.file(`bills-late-bad-${enc}.csv`);
      fs.writeFileSync(file, withTail(enc, Buffer.from([0x53, 0x39, 0x2c, 0xff, 0xff, 0x0a])));
      const opened = await openDatasetFile(file, DATASETS.bills);
      expect(opened.encoding).toBe(enc === 'utf8' ? 'utf-8' : 'gb18030');
      let count = 0;
      const err = await (async () => {
        for await (const _ of opened.rows) count++;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportFileError);
      expect((err as ImportFileError).errors[0]?.message_en).toMatch(
        /^unsupported encoding: bytes after offset \d+ are not valid/,
      );
      expect(count).toBeLessThan(4000);
    },
  );

  it('keeps a genuine U+FFFD character in a UTF-8 file', async () => {
    const file = tmp.file('bills-fffd.csv');
    fs.writeFileSync(file, withTail('utf8', Buffer.from('S9,202606,1,坏字\uFFFD\n', 'utf8')));
    const { rows } = await readAll(file, 'bills');
    expect(rows).toHaveLength(4001);
    expect(rows[4000]?.raw['备注']).toBe('坏字\uFFFD');
  });
});
