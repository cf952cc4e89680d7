import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp, type TestLogin } from '../../../test/support/app.js';
import { addOrder, addSubscriber, seedReference } from '../collections/test-fixtures.js';

const D = '2026-06-15';
let t: TestApp;
let mgr: TestLogin;
let staff: TestLogin;

function multipart(file: Buffer, fields: Record<string, string> = {}) {
  const boundary = '----mo-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="list.xlsx"\r\ncontent-type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

beforeAll(async () => {
  t = await createTestApp({ counties: true });
  const db = t.database.db;
  await seedReference(db, []);
  await addSubscriber(db, { id: 'S1', county: 'C01' });
  await addOrder(db, { id: 'O1', sub: 'S1', type: 'single_stop', at: D });
  await addSubscriber(db, { id: 'S2', county: 'C02' });
  await addOrder(db, { id: 'O2', sub: 'S2', type: 'dual_stop', at: D });
  await t.createUser({ username: 'mgr1', role: 'county_manager', county: 'C01' });
  await t.createUser({ username: 'staff', role: 'city_staff' });
  mgr = await t.login('mgr1');
  staff = await t.login('staff');
});
afterAll(async () => {
  await t.dispose();
});

describe('follow-up API', () => {
  it('a county manager works today’s list, exports it, imports outcomes; the city sees completion', async () => {
    const gen = await t.app.inject({
      method: 'POST',
      url: '/api/followups/generate',
      headers: staff.headers(),
      payload: { date: D },
    });
    expect(gen.statusCode).toBe(200);
    expect(gen.json()).toMatchObject({
      counties: [
        { county_code: 'C01', created: 1 },
        { county_code: 'C02', created: 1 },
      ],
    });

    const list = await t.app.inject({
      method: 'GET',
      url: `/api/followups?date=${D}`,
      headers: mgr.headers(),
    });
    const items = (list.json() as { items: { item_id: number; subscriber_id: string; assignee: string }[] })
      .items;
    expect(items.map((i) => [i.subscriber_id, i.assignee])).toEqual([['S1', 'mgr1']]);
    const all = await t.app.inject({
      method: 'GET',
      url: `/api/followups?date=${D}`,
      headers: staff.headers(),
    });
    const other = (all.json() as { items: { item_id: number; county_code: string }[] }).items.find(
      (i) => i.county_code === 'C02',
    );

    const denied = await t.app.inject({
      method: 'POST',
      url: `/api/followups/${other?.item_id}/outcome`,
      headers: mgr.headers(),
      payload: { outcome: 'contacted' },
    });
    expect(denied.statusCode).toBe(403);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/followups/${items[0]?.item_id}/outcome`,
      headers: mgr.headers(),
      payload: { outcome: 'gone' },
    });
    expect(bad.statusCode).toBe(422);

    const exp = await t.app.inject({
      method: 'GET',
      url: `/api/followups/export?county=C01&date=${D}`,
      headers: mgr.headers(),
    });
    expect(exp.statusCode).toBe(200);
    expect(
      await t.app
        .inject({ method: 'GET', url: `/api/followups/export?county=C02&date=${D}`, headers: mgr.headers() })
        .then((r) => r.statusCode),
    ).toBe(403);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exp.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    ws.getRow(3).getCell(11).value = '联系不上';
    ws.getRow(4).getCell(1).value = other?.item_id ?? 0;
    ws.getRow(4).getCell(11).value = '已缴费';
    const file = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);

    const rejected = await t.app.inject({
      method: 'POST',
      url: '/api/followups/import',
      ...withHeaders(multipart(file), mgr),
    });
    expect(rejected.statusCode).toBe(422);
    const body = rejected.json() as {
      details: { report: { errors: { row: number; message_en: string }[] } };
    };
    expect(body.details.report.errors.map((e) => [e.row, e.message_en])).toEqual([
      [4, 'the item belongs to county C02; you cannot change it'],
    ]);

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/followups/import',
      ...withHeaders(multipart(file, { partial: 'true' }), mgr),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'partial', applied: 1 });

    const stats = await t.app.inject({
      method: 'GET',
      url: `/api/followups/stats?from=${D}&to=${D}`,
      headers: staff.headers(),
    });
    const counties = (
      stats.json() as {
        counties: { county_code: string; total: number; closed: number; completion: { value: number } }[];
      }
    ).counties;
    expect(counties.map((c) => [c.county_code, c.total, c.closed, c.completion.value])).toEqual([
      ['C01', 1, 1, 1],
      ['C02', 1, 0, 0],
    ]);
  });

  it('only collections:write users set adjustment limits', async () => {
    const payload = { months: ['2026-06'], county: 'C01', amount: 10000 };
    expect(
      (await t.app.inject({ method: 'PUT', url: '/api/collections/limits', headers: mgr.headers(), payload }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: '/api/collections/limits',
          headers: staff.headers(),
          payload,
        })
      ).statusCode,
    ).toBe(200);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/collections/limits?from=2026-06&to=2026-06',
      headers: mgr.headers(),
    });
    expect((res.json() as { cells: unknown[] }).cells).toEqual([
      {
        month: '2026-06',
        county_code: 'C01',
        total: 0,
        limit: 10000,
        usage: { value: 0, numerator: 0, denominator: 10000 },
        level: 'ok',
      },
    ]);
  });
});

function withHeaders(m: { payload: Buffer; headers: Record<string, string> }, login: TestLogin) {
  return { payload: m.payload, headers: { ...login.headers(), ...m.headers } };
}
