import { describe, expect, it, test } from 'vitest';
import { CHANNELS } from '../../datasets/columns.js';
import type { ColumnDef, ColumnType } from '../../datasets/types.js';
import { CellError, type Cell } from '../read/types.js';
import { cellParser, cellText, excelSerialToDate, type ValueResult } from './values.js';

const column = (type: ColumnType, extra: Partial<ColumnDef> = {}): ColumnDef => ({
  key: 'x',
  zh: '列',
  aliases: ['列'],
  type,
  required: true,
  ...extra,
});
const parse = (type: ColumnType, cell: Cell, extra: Partial<ColumnDef> = {}): ValueResult =>
  cellParser(column(type, extra))(cell);
const value = (r: ValueResult): unknown => (r.ok ? r.value : `ERR ${r.en}`);
/** Wall-clock date-time as a spreadsheet cell would hold it (UTC fields). */
const wall = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date =>
  new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));

describe('money → integer fen', () => {
  test.each<[Cell, number | string]>([
    ['0', 0],
    ['12', 1200],
    ['12.3', 1230],
    ['12.34', 1234],
    ['-12.34', -1234],
    ['+5', 500],
    ['¥20', 2000],
    ['￥20', 2000],
    ['-¥20', -2000],
    ['¥-20', -2000],
    ['1,234.50', 123450],
    ['12,345,678', 1234567800],
    ['  85.93  ', 8593],
    ['-0', 0],
    ['-0.00', 0],
    ['-0.5', -50],
    ['0.05', 5],
    ['007.10', 710],
    ['5.', 500], // the general path's reading, unchanged by the fast path
    ['.5', 50],
    ['9999999999999.99', 999999999999999], // 13 integer digits: exact Number arithmetic
    ['12345678901234', 1234567890123400], // 14 digits: the general (BigInt) path
    ['90071992547409.92', 'ERR amount too large'],
    [85.93, 8593],
    [1234, 123400],
    [-3.5, -350],
  ])('accepts %j as %s fen', (cell, fen) => {
    expect(value(parse('money', cell))).toBe(fen);
  });

  test.each<[Cell, string]>([
    ['12.345', 'at most two decimal places'],
    [85.925, 'at most two decimal places'],
    ['abc', 'not a valid amount'],
    [0.1 + 0.2, 'at most two decimal places'], // 0.30000000000000004: the shortest round-trip decimal
    ['1.2e3', 'not a valid amount'],
    ['-', 'not a valid amount'],
    ['1.2.3', 'not a valid amount'],
    ['12a', 'not a valid amount'],
    ['1.a', 'not a valid amount'],
    ['(20)', 'not a valid amount'],
    ['12,34', 'not a valid amount'],
    ['1,2345', 'not a valid amount'],
    ['¥-¥20', 'not a valid amount'],
    ['-¥-20', 'not a valid amount'],
    ['20元', 'not a valid amount'],
    ['1e21', 'not a valid amount'],
    [true, 'not a valid amount'],
    [wall(2026, 6, 30), 'not a valid amount'],
  ])('rejects %j: %s', (cell, reason) => {
    expect(value(parse('money', cell))).toBe(`ERR ${reason}`);
  });

  it('gives the Chinese reason for too many decimals', () => {
    expect(parse('money', '12.345')).toEqual({
      ok: false,
      zh: '金额最多两位小数',
      en: 'at most two decimal places',
    });
  });

  test.each<[ColumnDef['min'], string, number | string]>([
    ['ge0', '0', 0],
    ['ge0', '-0.01', 'ERR must not be negative'],
    ['gt0', '0.01', 1],
    ['gt0', '0', 'ERR must be greater than zero'],
    ['gt0', '-1', 'ERR must be greater than zero'],
    [undefined, '-1', -100],
  ])('min %s on %s → %s', (min, cell, expected) => {
    expect(value(parse('money', cell, min ? { min } : {}))).toBe(expected);
  });
});

describe('integers', () => {
  test.each<[Cell, number | string]>([
    ['12', 12],
    ['+12', 12],
    ['-12', -12],
    [' 007 ', 7],
    [36, 36],
    ['2147483647', 2147483647],
    ['2147483648', 'ERR integer out of range'],
    ['1.5', 'ERR not a valid integer'],
    ['12.0', 'ERR not a valid integer'],
    [1.5, 'ERR not a valid integer'],
    ['1,000', 'ERR not a valid integer'],
    ['abc', 'ERR not a valid integer'],
    ['1e3', 'ERR not a valid integer'],
  ])('%j → %s', (cell, expected) => {
    expect(value(parse('integer', cell))).toBe(expected);
  });

  test.each<[ColumnDef['min'], Cell, number | string]>([
    ['ge0', '0', 0],
    ['ge0', '-1', 'ERR must not be negative'],
    ['gt0', '1', 1],
    ['gt0', '0', 'ERR must be greater than zero'],
  ])('min %s on %j → %s', (min, cell, expected) => {
    expect(value(parse('integer', cell, { min }))).toBe(expected);
  });
});

describe('dates', () => {
  test.each<[Cell, string]>([
    ['2026-06-30', '2026-06-30'],
    ['2026/6/30', '2026-06-30'],
    ['2026/06/30', '2026-06-30'],
    ['2026-6-3', '2026-06-03'],
    ['20260630', '2026-06-30'],
    ['2024-02-29', '2024-02-29'],
    [' 2026-06-30 ', '2026-06-30'],
    [wall(2026, 6, 30), '2026-06-30'],
    [wall(2026, 6, 30, 15, 20), '2026-06-30'],
    [46203, '2026-06-30'], // xlsx serial number cell
    [20260630, '2026-06-30'], // the text 20260630 turned into a number by the spreadsheet
  ])('accepts %j as %s', (cell, iso) => {
    expect(value(parse('date', cell))).toBe(iso);
  });

  test.each<[Cell]>([
    ['2026-02-30'],
    ['2025-02-29'],
    ['2026-13-01'],
    ['2026-00-10'],
    ['2026-06-31'],
    ['2026/06-30'],
    ['26-06-30'],
    ['30/06/2026'],
    ['2026.06.30'],
    ['46203'], // serial numbers only as xlsx cells, never as CSV text
    ['2026-06-30 10:00'],
    ['20261301'],
    [-5],
    [true],
    ['abc'],
  ])('rejects %j', (cell) => {
    expect(value(parse('date', cell))).toBe('ERR not a valid date (e.g. 2026-06-30, 2026/6/30, 20260630)');
  });
});

describe('timestamps (Asia/Shanghai local time)', () => {
  test.each<[Cell, string]>([
    ['2026-06-30', '2026-06-30 00:00:00+08'],
    ['2026-06-30 9:05', '2026-06-30 09:05:00+08'],
    ['2026-06-30 09:05', '2026-06-30 09:05:00+08'],
    ['2026-06-30 23:59:59', '2026-06-30 23:59:59+08'],
    ['2026-06-30 9:05:07', '2026-06-30 09:05:07+08'],
    [' 2026-06-30 09:05:07 ', '2026-06-30 09:05:07+08'],
    ['2026-06-30  9:05:07', '2026-06-30 09:05:07+08'],
    ['2026/6/30 7:00:01', '2026-06-30 07:00:01+08'],
    ['20260630 0:00', '2026-06-30 00:00:00+08'],
    [wall(2026, 6, 30, 14, 5, 30), '2026-06-30 14:05:30+08'],
    [wall(2026, 6, 30, 14, 5, 30, 499), '2026-06-30 14:05:30+08'],
    [wall(2026, 6, 30, 14, 5, 30, 500), '2026-06-30 14:05:31+08'],
    [wall(2026, 6, 30, 23, 59, 59, 700), '2026-07-01 00:00:00+08'],
    [46203.5, '2026-06-30 12:00:00+08'],
    [46203 + (14 * 3600 + 5 * 60 + 30.4) / 86400, '2026-06-30 14:05:30+08'],
  ])('accepts %j as %s', (cell, ts) => {
    expect(value(parse('timestamp', cell))).toBe(ts);
  });

  test.each<[Cell]>([
    ['2026-06-30 24:00'],
    ['2026-06-30 24:00:00'],
    ['2026-06-30 ::00:00'],
    ['2026-06-30 :00:00'],
    ['2026-06-30 9:5:07'],
    ['2026-13-01 09:05:07'],
    ['1899-12-31 09:05:07'],
    ['2026-02-29 09:05:07'],
    ['2026-06-30 12:60'],
    ['2026-06-30 12:00:60'],
    ['2026-06-30 123:00'],
    ['2026-06-30 12'],
    ['2026-06-30T12:00:00'],
    ['2026-06-30 12:00:00.123'],
    ['2026-06-30 12:00 PM'],
    ['2026-02-30 12:00'],
    ['12:00'],
    ['46203.5'],
  ])('rejects %j', (cell) => {
    expect(value(parse('timestamp', cell))).toBe(
      'ERR not a valid timestamp (e.g. 2026-06-30 9:05 or 2026-06-30 09:05:00)',
    );
  });
});

describe('months (stored as the first day)', () => {
  test.each<[Cell, string]>([
    ['202606', '2026-06-01'],
    ['2026-06', '2026-06-01'],
    ['2026/06', '2026-06-01'],
    ['2026/6', '2026-06-01'],
    [202606, '2026-06-01'], // the text 202606 turned into a number by the spreadsheet
    [wall(2026, 6, 17), '2026-06-01'], // a date cell means its month
    [46190, '2026-06-01'], // serial 46190 = 2026-06-17
  ])('accepts %j as %s', (cell, iso) => {
    expect(value(parse('month', cell))).toBe(iso);
  });

  test.each<[Cell]>([
    ['202613'],
    ['2026-00'],
    ['2026-06-01'],
    ['06/2026'],
    ['2026'],
    ['2026年6月'],
    ['abc'],
    [true],
  ])('rejects %j', (cell) => {
    expect(value(parse('month', cell))).toBe('ERR not a valid month (e.g. 202606, 2026-06, 2026/6)');
  });
});

describe('booleans', () => {
  test.each<[Cell, boolean]>([
    ['是', true],
    ['否', false],
    ['Y', true],
    ['y', true],
    ['N', false],
    ['n', false],
    ['1', true],
    ['0', false],
    ['true', true],
    ['TRUE', true],
    ['False', false],
    ['Ｙ', true], // full-width
    [true, true],
    [false, false],
    [1, true],
    [0, false],
  ])('accepts %j as %s', (cell, b) => {
    expect(value(parse('bool', cell))).toBe(b);
  });

  test.each<[Cell]>([['yes'], ['no'], ['对'], ['2'], [2], ['t']])('rejects %j', (cell) => {
    expect(value(parse('bool', cell))).toBe('ERR not a valid yes/no value (是/否, Y/N, 1/0, true/false)');
  });
});

describe('enums', () => {
  const channel = { values: CHANNELS };
  test.each<[Cell, string]>([
    ['cash', 'cash'],
    ['CASH', 'cash'],
    [' Bank ', 'bank'],
    ['现金', 'cash'],
    ['网上', 'online'],
    ['代收', 'agent'],
    ['ＯＮＬＩＮＥ', 'online'],
  ])('accepts %j as %s', (cell, v) => {
    expect(value(parse('enum', cell, channel))).toBe(v);
  });

  test.each<[Cell]>([['card'], ['现金支付'], ['1'], [true]])('rejects %j, listing the values', (cell) => {
    expect(parse('enum', cell, channel)).toEqual({
      ok: false,
      zh: '不是有效的取值，可选：现金/cash、银行/bank、网上/online、代收/agent',
      en: 'not one of the allowed values: 现金/cash、银行/bank、网上/online、代收/agent',
    });
  });
});

describe('text and codes', () => {
  test.each<[ColumnType, Cell, string]>([
    ['text', '  张三  ', '张三'],
    ['text', '=SUM(A1:A2)', '=SUM(A1:A2)'], // kept verbatim, never evaluated
    ['text', '+8613800138000', '+8613800138000'],
    ['text', '@home', '@home'],
    ['code', ' C01 ', 'C01'],
    ['code', 1030000001, '1030000001'], // numeric xlsx cell: the integer, never 1030000001.0
    ['code', 1030000001.0, '1030000001'],
    ['text', 13800138000, '13800138000'],
    ['text', 999999999999999, '999999999999999'], // 15 digits still exact
    ['text', 12.5, '12.5'],
    ['text', true, 'TRUE'],
    ['text', wall(2026, 6, 30), '2026-06-30'],
    ['text', 'x'.repeat(4000), 'x'.repeat(4000)],
    ['text', '中'.repeat(4000), '中'.repeat(4000)],
    ['text', '𠀀'.repeat(4000), '𠀀'.repeat(4000)], // 4,000 characters outside the BMP (8,000 UTF-16 units)
  ])('%s %j', (type, cell, expected) => {
    expect(value(parse(type, cell))).toBe(expected);
  });

  test.each<[ColumnType, Cell, string]>([
    ['text', 'x'.repeat(4001), 'longer than 4000 characters'],
    ['text', ` ${'中'.repeat(4001)} `, 'longer than 4000 characters'],
    [
      'text',
      Number('110101199001011234'), // an 18-digit ID number typed into a numeric cell: already rounded
      'a number with more than 15 significant digits has already been rounded by the spreadsheet; format the column as text and export again',
    ],
    [
      'code',
      1e15,
      'a number with more than 15 significant digits has already been rounded by the spreadsheet; format the column as text and export again',
    ],
  ])('rejects %s %#', (type, cell, reason) => {
    expect(value(parse(type, cell))).toBe(`ERR ${reason}`);
  });

  it('keeps an 18-digit ID number written as text', () => {
    expect(value(parse('text', '11010119900101123X'))).toBe('11010119900101123X');
    expect(value(parse('text', '110101199001011234'))).toBe('110101199001011234');
  });
});

describe('formula error cells', () => {
  test.each<[ColumnType]>([['text'], ['code'], ['money'], ['date'], ['enum']])(
    'are a row error in a %s column',
    (type) => {
      expect(parse(type, new CellError('#DIV/0!'), { values: [] })).toEqual({
        ok: false,
        zh: '单元格是公式错误 #DIV/0!，请先修正公式',
        en: 'the cell holds the formula error #DIV/0!; fix the formula first',
      });
      expect(cellText(new CellError('#DIV/0!'))).toBe('#DIV/0!');
    },
  );
});

describe('cell text (reject files, messages)', () => {
  test.each<[Cell, string]>([
    [null, ''],
    [' a ', ' a '],
    [85.93, '85.93'],
    [false, 'FALSE'],
    [wall(2026, 6, 30), '2026-06-30'],
    [wall(2026, 6, 30, 8, 5, 9, 600), '2026-06-30 08:05:10'],
  ])('%j → %s', (cell, text) => {
    expect(cellText(cell)).toBe(text);
  });

  it('converts serial numbers in both date systems', () => {
    expect(excelSerialToDate(46203).toISOString()).toBe('2026-06-30T00:00:00.000Z');
    expect(excelSerialToDate(46203 - 1462, true).toISOString()).toBe('2026-06-30T00:00:00.000Z');
  });
});
