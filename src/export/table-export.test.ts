import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { csvText, isFormulaLike, tableToCsv, tablesToXlsx, type ExportTable } from './table-export.js';

const table: ExportTable = {
  sheetName: 'Answer',
  title: '当期欠费回收率',
  columns: [
    { key: 'county', header: '县区', kind: 'text' },
    { key: 'amount', header: '金额', kind: 'money' },
    { key: 'rate', header: '回收率', kind: 'rate' },
    { key: 'n', header: 'n', kind: 'integer' },
  ],
  rows: [
    { county: 'C01', amount: 123450, rate: 0.9813, n: 3 },
    { county: '=1+2', amount: -5, rate: null, n: 0 },
    { county: '@SUM(A1)', amount: 0, rate: 1, n: 1 },
    { county: 'a,"b"', amount: null, rate: 0, n: null },
    { county: '-1,234.50', amount: 1, rate: null, n: null },
    { county: '-2+3', amount: null, rate: null, n: -7 },
  ],
};

describe('formula-injection rule', () => {
  it.each([
    // plain numbers and the money forms the contract accepts: a spreadsheet reads them as numbers
    ['-12.00', false],
    ['-12', false],
    ['+12.5', false],
    ['12.345', false],
    ['-1,234.50', false],
    ['+1,234,567', false],
    ['-¥20', false],
    ['-￥1,234.50', false],
    ['¥-20', false],
    ['0', false],
    // text that does not start with a formula character
    ['C01', false],
    ['a=b', false],
    ['', false],
    // formulas and DDE payloads stay neutralised
    ['=1+2', true],
    ['-2+3', true],
    ['+2-3', true],
    ['@SUM(A1)', true],
    ["+cmd|' /C calc'!A0", true],
    ["-cmd|' /C calc'!A0", true],
    ['=-12', true],
    ['-', true],
    ['-.5', true],
    ['-1e3', true],
    ['-12,34', true],
    ['-1,2345.00', true],
    ['-12.', true],
    ['- 12', true],
    ['-12 ', true],
    ['\t-12', true],
    ['\r=1', true],
    ['\t', true],
  ])('%j is formula-like: %s', (value, expected) => {
    expect(isFormulaLike(value)).toBe(expected);
    expect(csvText(value)).toBe(expected ? `'${value}` : value);
  });
});

describe('tableToCsv', () => {
  it('writes a BOM, yuan amounts and neutralises formulas', () => {
    const csv = tableToCsv(table);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      '县区,金额,回收率,n',
      'C01,1234.50,0.9813,3',
      "'=1+2,-0.05,,0",
      "'@SUM(A1),0.00,1,1",
      '"a,""b""",,0,',
      '"-1,234.50",0.01,,',
      "'-2+3,,,-7",
      '',
    ]);
  });
});

describe('tablesToXlsx', () => {
  it('writes text as text, money as yuan and rates as percentages', async () => {
    const buf = await tablesToXlsx([table, { ...table, sheetName: 'Answer' }]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Answer', 'Answer_2']);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(ws.getCell(2, 1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ws.getCell(3, 2).value).toBe(1234.5);
    expect(ws.getCell(3, 2).numFmt).toBe('#,##0.00');
    expect(ws.getCell(3, 3).numFmt).toBe('0.00%');
    const injected = ws.getCell(4, 1);
    expect(injected.type).not.toBe(ExcelJS.ValueType.Formula);
    expect(injected.text).toBe('=1+2');
    expect(ws.getCell(5, 1).type).not.toBe(ExcelJS.ValueType.Formula);
    expect(ws.getCell(4, 2).value).toBe(-0.05);
    // a plain negative number in a text column is a plain string cell, read back exactly as written
    expect(ws.getCell(7, 1).type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell(7, 1).value).toBe('-1,234.50');
    // a formula-like one is rich text, shown as typed
    expect(ws.getCell(8, 1).value).toEqual({ richText: [{ text: '-2+3' }] });
    expect(ws.getCell(8, 1).text).toBe('-2+3');
  });
});
