import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { runCli } from '../../cli/main.js';
import { loadConfig } from '../../config.js';
import { addBill, addOrder, addSubscriber, addUser, seedReference } from '../collections/test-fixtures.js';

let database: TestDatabase;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mo-followup-'));
beforeAll(async () => {
  database = await createTestDatabase();
  await seedReference(database.db);
  await addUser(database.db, 'mgr1', 'C01');
  await addSubscriber(database.db, { id: 'S1', county: 'C01' });
  await addOrder(database.db, { id: 'O1', sub: 'S1', type: 'single_stop', at: '2026-06-15' });
  await addSubscriber(database.db, { id: 'S2', county: 'C02' });
  await addOrder(database.db, { id: 'O2', sub: 'S2', type: 'dual_stop', at: '2026-06-15' });
  await addBill(database.db, 'S1', '2026-05', 10000);
});
afterAll(async () => {
  await database.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    io: { out: (s) => void (out += s), err: (s) => void (err += s) },
    cwd: dir,
    config: loadConfig({ LOG_LEVEL: 'silent' }, dir),
    database,
  });
  return { code, out, err };
}

describe('marketops followup / bulletin', () => {
  it('generates, exports, and imports outcomes with --as scoping', async () => {
    const g = await cli('followup', 'generate', '--date', '2026-06-15');
    expect([g.code, g.out]).toEqual([
      0,
      'follow-up lists for 2026-06-15\nC01: 1 new of 1 cases\nC02: 1 new of 1 cases\n',
    ]);
    const e = await cli('followup', 'export', '--county', 'C01', '--date', '2026-06-15', '--out', 'c01.xlsx');
    expect([e.code, e.out]).toEqual([0, `1 items written to ${path.join(dir, 'c01.xlsx')}\n`]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'c01.xlsx'));
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    ws.getRow(3).getCell(11).value = '承诺缴费';
    const c02 = await database.db
      .selectFrom('followup_items')
      .select('item_id')
      .where('county_code', '=', 'C02')
      .executeTakeFirstOrThrow();
    ws.getRow(4).getCell(1).value = c02.item_id;
    ws.getRow(4).getCell(11).value = 'paid';
    await wb.xlsx.writeFile(path.join(dir, 'filled.xlsx'));

    const bad = await cli('followup', 'import', 'filled.xlsx', '--as', 'mgr1');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('rejected: 2 rows, 0 applied, 0 unchanged, 0 without outcome, 1 errors\n');
    expect(bad.err).toContain(`row 4 item_id "${c02.item_id}": 该事项属于 C02 县区，不能修改`);
    const ok = await cli('followup', 'import', 'filled.xlsx', '--as', 'mgr1', '--allow-partial');
    expect([ok.code, ok.out]).toEqual([
      0,
      'partial: 2 rows, 1 applied, 0 unchanged, 0 without outcome, 1 errors\n',
    ]);
  });

  it('prints and archives the monthly bulletin', async () => {
    const b = await cli('bulletin', 'collections', '--month', '2026-06', '--out', 'b.xlsx', '--json');
    expect(b.code).toBe(0);
    const j = JSON.parse(b.out) as {
      bill_month: string;
      rows: { county_code: string; rank: number; rate: { value: number | null } }[];
    };
    expect([j.bill_month, j.rows.map((r) => [r.county_code, r.rank, r.rate.value])]).toEqual([
      '2026-05',
      [
        ['C01', 1, 0],
        ['C02', 2, null],
      ],
    ]);
    expect(fs.existsSync(path.join(dir, 'b.xlsx'))).toBe(true);
    expect((await cli('bulletin', 'collections')).code).toBe(2);
  });
});
