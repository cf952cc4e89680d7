import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { PERMISSIONS, systemActor, type Actor } from '../../server/rbac.js';
import type { BatchChange } from '../../ingest/hooks.js';
import type { DatasetKey } from '../../datasets/index.js';
import {
  addBatch,
  addBill,
  addContract,
  addOrder,
  addPayment,
  addSubscriber,
  addUser,
  seedReference,
} from '../collections/test-fixtures.js';
import { followupStats, generateFollowups, listFollowups, recordOutcome } from './followup.service.js';
import { exportFollowupsXlsx, importOutcomesXlsx } from './followup.workbook.js';
import { autoCloseFollowups } from './followup.hooks.js';

const system = systemActor('tester');
const countyActor = (county: string, username = `m_${county}`): Actor => ({
  username,
  role: 'county_manager',
  auditorLevel: null,
  countyScope: county,
  permissions: new Set(PERMISSIONS.filter((p) => p !== 'settings:write')),
});
const change = (dataset: DatasetKey, batchId: number, action: 'apply' | 'undo' = 'apply'): BatchChange => ({
  dataset,
  batchId,
  months: [],
  dateRange: null,
  counties: null,
  action,
});

let t: TestDatabase;
const D = '2026-06-15';

beforeAll(async () => {
  t = await createTestDatabase();
  const db = t.db;
  await seedReference(db);
  await addUser(db, 'u_c01a', 'C01');
  await addUser(db, 'u_c01b', 'C01');
  await addUser(db, 'u_c02', 'C02');
  // C01: new single stop, new dual stop (plus an older stop that is not new), a zero-fee user
  await addSubscriber(db, { id: 'S1', county: 'C01' });
  await addOrder(db, { id: 'O1', sub: 'S1', type: 'single_stop', at: D });
  await addSubscriber(db, { id: 'S2', county: 'C01' });
  await addOrder(db, { id: 'O0', sub: 'S2', type: 'single_stop', at: '2026-06-14' });
  await addOrder(db, { id: 'O2', sub: 'S2', type: 'dual_stop', at: `${D} 23:59:00` });
  await addSubscriber(db, { id: 'S3', county: 'C01', install: '2025-01-01' });
  await addBill(db, 'S3', '2026-03', 0);
  // S4: installed too late for three zero-fee months; a stop order of a disconnected user is no case
  await addSubscriber(db, { id: 'S4', county: 'C01', install: '2026-03-01' });
  await addBill(db, 'S4', '2026-05', 0);
  await addSubscriber(db, { id: 'S4x', county: 'C01', status: 'disconnected', disconnect: '2026-06-10' });
  await addOrder(db, { id: 'O4', sub: 'S4x', type: 'single_stop', at: D });
  // C02: a contract ending within 30 days; one renewed; one ending on day 31
  await addSubscriber(db, { id: 'S5', county: 'C02' });
  await addContract(db, { id: 'K5', sub: 'S5', start: '2025-07-11', end: '2026-07-10' });
  await addSubscriber(db, { id: 'S6', county: 'C02' });
  await addContract(db, { id: 'K6', sub: 'S6', start: '2025-07-21', end: '2026-07-20' });
  await addContract(db, { id: 'K6b', sub: 'S6', start: '2026-07-21', end: '2027-07-20' });
  await addSubscriber(db, { id: 'S7', county: 'C02' });
  await addContract(db, { id: 'K7', sub: 'S7', start: '2025-07-17', end: '2026-07-16' });
  // arrears: S8 owes 300 − 50 = 250 yuan > 200; S9 owes exactly 200 (not above); current month excluded
  await addSubscriber(db, { id: 'S8', county: 'C02' });
  await addBill(db, 'S8', '2026-04', 30000);
  await addPayment(db, { sub: 'S8', month: '2026-04', day: '2026-05-10', amount: 5000 });
  await addSubscriber(db, { id: 'S9', county: 'C02' });
  await addBill(db, 'S9', '2026-05', 20000);
  await addBill(db, 'S9', '2026-06', 90000);
});
afterAll(async () => {
  await t.dispose();
});

const keyOf = (i: { subscriber_id: string; reason: string; assignee: string | null }) =>
  `${i.subscriber_id}:${i.reason}:${i.assignee ?? '-'}`;

describe('follow-up list generation', () => {
  it('generates each reason per county and assigns county users evenly', async () => {
    const r = await generateFollowups(t.db, { date: D, actor: system });
    expect(r.counties).toEqual([
      { county_code: 'C01', candidates: 3, created: 3 },
      { county_code: 'C02', candidates: 2, created: 2 },
    ]);
    const items = await listFollowups(t.db, system, { date: D });
    expect(items.map(keyOf)).toEqual([
      'S1:single_stop:u_c01a',
      'S2:dual_stop:u_c01b',
      'S3:zero_fee:u_c01a',
      'S5:contract_ending:u_c02',
      'S8:arrears:u_c02',
    ]);
    const s8 = items.find((i) => i.subscriber_id === 'S8');
    expect(s8?.figures).toEqual({ owed: 25000, months_owed: 1, oldest_month: '2026-04' });
    expect(s8?.customer_name).toBe('张*丰');
    expect(s8?.phone).toBe('138****5678');
    expect(items.find((i) => i.subscriber_id === 'S5')?.figures).toEqual({
      contract_id: 'K5',
      end_date: '2026-07-10',
      days_left: 25,
    });
  });

  it('does not duplicate on re-generation, and open items carry over to later days', async () => {
    const again = await generateFollowups(t.db, { date: D, actor: system });
    expect(again.counties.map((c) => c.created)).toEqual([0, 0]);
    const next = await generateFollowups(t.db, { date: '2026-06-16', actor: system });
    // the only new case: K7 now ends within 30 days (07-16 − 06-16)
    expect(next.counties.map((c) => [c.county_code, c.created])).toEqual([
      ['C01', 0],
      ['C02', 1],
    ]);
    const items = await listFollowups(t.db, system, { date: '2026-06-16' });
    expect(items.map((i) => `${i.subscriber_id}:${i.list_date}`)).toEqual([
      'S1:2026-06-15',
      'S2:2026-06-15',
      'S3:2026-06-15',
      'S5:2026-06-15',
      'S8:2026-06-15',
      'S7:2026-06-16',
    ]);
  });

  it('a county user sees only their county and cannot ask for another', async () => {
    const items = await listFollowups(t.db, countyActor('C02'), { date: D });
    expect(items.map((i) => i.subscriber_id)).toEqual(['S5', 'S8']);
    await expect(listFollowups(t.db, countyActor('C02'), { date: D, county: 'C01' })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('a closed case is not generated again; a new month brings a new arrears item', async () => {
    const [s8] = await listFollowups(t.db, system, { date: D, county: 'C02', reason: 'arrears' });
    await recordOutcome(t.db, countyActor('C02'), s8?.item_id ?? 0, {
      outcome: 'promised',
      note: ' 月底交 ',
    });
    expect(
      (await generateFollowups(t.db, { date: '2026-06-20', actor: system })).counties.map((c) => c.created),
    ).toEqual([0, 0]);
    const july = await generateFollowups(t.db, { date: '2026-07-01', actor: system });
    // July: S8 again (new month, previous item closed); S9 now owes 200 + 900 = 1,100 yuan of months
    // before July; S4 (installed 03-01) has had three zero-fee months 04..06
    const created = await listFollowups(t.db, system, {
      date: '2026-07-01',
      county: 'C02',
      reason: 'arrears',
      status: 'open',
    });
    expect(created.map((i) => [i.subscriber_id, i.list_date, (i.figures as { owed: number }).owed])).toEqual([
      ['S8', '2026-07-01', 25000],
      ['S9', '2026-07-01', 110000],
    ]);
    expect(july.counties.map((c) => [c.county_code, c.created])).toEqual([
      ['C01', 1],
      ['C02', 2],
    ]);
    // C01's new item goes to the user with fewer open items (u_c01a holds S1 and S3, u_c01b S2)
    const c01 = await listFollowups(t.db, system, { date: '2026-07-01', county: 'C01', status: 'open' });
    expect(c01.filter((i) => i.list_date === '2026-07-01').map(keyOf)).toEqual(['S4:zero_fee:u_c01b']);
    const closed = await t.db
      .selectFrom('followup_items')
      .selectAll()
      .where('item_id', '=', s8?.item_id ?? 0)
      .executeTakeFirstOrThrow();
    expect([closed.status, closed.outcome, closed.note, closed.outcome_by]).toEqual([
      'closed',
      'promised',
      '月底交',
      'm_C02',
    ]);
  });

  it('refuses a county user recording an outcome on another county’s item', async () => {
    const [s1] = await listFollowups(t.db, system, { date: D, county: 'C01', reason: 'single_stop' });
    await expect(
      recordOutcome(t.db, countyActor('C02'), s1?.item_id ?? 0, { outcome: 'contacted' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('auto-close on imported data', () => {
  it('closes an arrears item when a payment brings the debt to the threshold or below, and says so', async () => {
    const partial = await addBatch(t.db, 'payments');
    await addPayment(t.db, { sub: 'S9', month: '2026-05', day: '2026-07-02', amount: 1000, batch: partial });
    expect(
      await t.db.transaction().execute((trx) => autoCloseFollowups(trx, change('payments', partial))),
    ).toBe(0);

    const b = await addBatch(t.db, 'payments');
    await addPayment(t.db, { sub: 'S9', month: '2026-06', day: '2026-07-03', amount: 90000, batch: b });
    const closed = await t.db.transaction().execute((trx) => autoCloseFollowups(trx, change('payments', b)));
    expect(closed).toBe(1);
    const [item] = await listFollowups(t.db, system, {
      date: '2026-07-01',
      county: 'C02',
      reason: 'arrears',
      status: 'closed',
    }).then((l) => l.filter((i) => i.subscriber_id === 'S9'));
    expect(item?.outcome).toBe('paid');
    expect(item?.auto_close).toEqual({ kind: 'payment', batch_id: b, paid: 90000, owed_after: 19000 });
    expect(item?.auto_close_text?.zh).toBe('导入数据显示已缴费 900.00 元，剩余欠费 190.00 元，自动关闭');

    // undoing the batch reopens what it closed
    const reopened = await t.db
      .transaction()
      .execute((trx) => autoCloseFollowups(trx, change('payments', b, 'undo')));
    expect(reopened).toBe(1);
    const [again] = await listFollowups(t.db, system, {
      date: '2026-07-01',
      county: 'C02',
      reason: 'arrears',
    }).then((l) => l.filter((i) => i.subscriber_id === 'S9'));
    expect([again?.status, again?.auto_close]).toEqual(['open', null]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('entity', '=', 'followup_item')
      .orderBy('audit_id')
      .execute();
    expect(audit.slice(-2)).toEqual([
      {
        action: 'auto_close',
        detail: {
          batch_id: b,
          dataset: 'payments',
          closed: 1,
          items: [{ id: item?.item_id, kind: 'payment' }],
        },
      },
      { action: 'reopen', detail: { batch_id: b, reopened: 1, items: [item?.item_id] } },
    ]);
  });

  it('closes stop items on resume, contract items on renewal, zero-fee items on a bill with fees', async () => {
    const ob = await addBatch(t.db, 'orders');
    await addOrder(t.db, { id: 'O9', sub: 'S1', type: 'resume', at: '2026-06-17', batch: ob });
    await addOrder(t.db, { id: 'O10', sub: 'S2', type: 'resume', at: '2026-06-14', batch: ob }); // before the list: no close
    const cb = await addBatch(t.db, 'contracts');
    await addContract(t.db, { id: 'K5b', sub: 'S5', start: '2026-07-11', end: '2027-07-10', batch: cb });
    const bb = await addBatch(t.db, 'bills');
    await addBill(t.db, 'S3', '2026-06', 3000, bb);
    await t.db.transaction().execute(async (trx) => {
      await autoCloseFollowups(trx, change('orders', ob));
      await autoCloseFollowups(trx, change('contracts', cb));
      await autoCloseFollowups(trx, change('bills', bb));
    });
    const items = await listFollowups(t.db, system, { date: D, status: 'closed' });
    const byReason = Object.fromEntries(
      items.map((i) => [i.reason, [i.subscriber_id, i.outcome, i.auto_close?.kind]]),
    );
    expect(byReason).toEqual({
      single_stop: ['S1', null, 'resume'],
      zero_fee: ['S3', null, 'activated'],
      contract_ending: ['S5', 'renewed', 'renewal'],
      arrears: ['S8', 'promised', undefined],
    });
    const open = await listFollowups(t.db, system, { date: D, status: 'open' });
    expect(open.map((i) => i.subscriber_id)).toEqual(['S2']);
  });

  it('closes every open item of a subscriber on a disconnect order', async () => {
    const ob = await addBatch(t.db, 'orders');
    await addOrder(t.db, { id: 'O11', sub: 'S2', type: 'disconnect', at: '2026-06-18', batch: ob });
    await t.db.transaction().execute((trx) => autoCloseFollowups(trx, change('orders', ob)));
    const [s2] = await listFollowups(t.db, system, { date: D, county: 'C01', reason: 'dual_stop' });
    expect([s2?.status, s2?.outcome, s2?.auto_close_text?.en]).toEqual([
      'closed',
      'disconnected',
      'Imported data shows the subscriber disconnected on 2026-06-18; closed automatically',
    ]);
  });
});

describe('outcome export and import', () => {
  async function filled(rows: [number | string, string][]): Promise<Buffer> {
    const { buffer } = await exportFollowupsXlsx(t.db, system, { county: 'C02', date: '2026-07-01' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    rows.forEach(([id, outcome], i) => {
      const r = ws.getRow(3 + i);
      r.getCell(1).value = typeof id === 'number' ? id : id;
      r.getCell(11).value = outcome;
      r.getCell(12).value = `note ${i}`;
      r.commit();
    });
    return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
  }

  it('exports the county list with the item id first and masked personal data', async () => {
    const { buffer, rows } = await exportFollowupsXlsx(t.db, countyActor('C02'), {
      county: 'C02',
      date: '2026-07-01',
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(ws.getRow(2).getCell(1).text).toBe('编号 item_id');
    // items still open on 07-01: S5, S8 (June) were closed later (today), S7, S8 (July), S9
    expect(rows).toBe(5);
    const ids = [3, 4, 5, 6, 7].map((r) => ws.getRow(r).getCell(4).text);
    expect(ids).toEqual(['S5', 'S8', 'S7', 'S8', 'S9']);
    expect(ws.getRow(3).getCell(6).text).toBe('张*丰');
  });

  it('rejects the whole file when a row is bad, listing unknown id, invalid outcome, other county', async () => {
    const c02 = await listFollowups(t.db, system, { date: '2026-07-01', county: 'C02', status: 'open' });
    const [c01] = await listFollowups(t.db, system, { date: D, county: 'C01' });
    const first = c02[0]?.item_id ?? 0;
    const buf = await filled([
      [first, '已联系'],
      [999999, 'paid'],
      [c02[1]?.item_id ?? 0, 'maybe'],
      [c01?.item_id ?? 0, 'contacted'],
    ]);
    const r = await importOutcomesXlsx(t.db, countyActor('C02'), buf);
    expect(r.status).toBe('rejected');
    expect(r.applied).toBe(0);
    expect(r.errors.map((e) => [e.row, e.column, e.message_en.split(';')[0]])).toEqual([
      [4, 'item_id', 'no follow-up item with this id'],
      [5, 'outcome', 'invalid outcome'],
      [6, 'item_id', `the item belongs to county C01`],
    ]);
    const still = await t.db
      .selectFrom('followup_items')
      .select('status')
      .where('item_id', '=', first)
      .executeTakeFirstOrThrow();
    expect(still.status).toBe('open');

    const p = await importOutcomesXlsx(t.db, countyActor('C02'), buf, { partial: true });
    expect([p.status, p.applied, p.errors.length]).toEqual(['partial', 1, 3]);
    const done = await t.db
      .selectFrom('followup_items')
      .select(['status', 'outcome', 'note', 'outcome_by'])
      .where('item_id', '=', first)
      .executeTakeFirstOrThrow();
    expect(done).toEqual({ status: 'closed', outcome: 'contacted', note: 'note 0', outcome_by: 'm_C02' });
    // the same file again changes nothing more
    const again = await importOutcomesXlsx(t.db, countyActor('C02'), buf, { partial: true });
    expect([again.applied, again.unchanged]).toEqual([0, 1]);
  });
});

describe('statistics', () => {
  it('counts completion and success per county and assignee', async () => {
    const s = await followupStats(t.db, system, { from: D, to: '2026-07-31' });
    expect(
      s.assignees.filter((a) => a.county_code === 'C01').map((a) => [a.assignee, a.total, a.closed]),
    ).toEqual([
      ['u_c01a', 2, 2],
      ['u_c01b', 2, 1],
    ]);
    expect(
      s.counties.map((c) => [
        c.county_code,
        c.total,
        c.closed,
        c.success,
        c.completion.value,
        c.success_rate.value,
      ]),
    ).toEqual([
      // C01: S1 resume (success), S2 disconnected, S3 activated (success), S4 open
      ['C01', 4, 3, 2, 0.75, 0.5],
      // C02: S5 renewed (success), S8 June promised, S7 contacted (import), S8 July open, S9 open (undo)
      ['C02', 5, 3, 1, 0.6, 0.2],
    ]);
  });
});
