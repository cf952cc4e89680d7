import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { tableToCsv, tablesToXlsx, type ExportTable } from './table-export.js';

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
  ],
};

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
  });
});
