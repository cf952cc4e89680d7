import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../config.js';
import { addInstalls, seedReference } from './plans.fixtures.js';

let database: TestDatabase;
let app: FastifyInstance;
const headers = { 'x-marketops-token': 'tok' };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedReference(database.db);
  await addInstalls(database.db, 'C01', '2025-03-01', 3);
  await addInstalls(database.db, 'C02', '2025-03-01', 1);
  await addInstalls(database.db, 'C01', '2026-01-20', 10);
  app = await buildApp({
    database,
    config: loadConfig({}),
    version: 't',
    localToken: 'tok',
    pendingMigrations: 0,
    logger: false,
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const json = <T>(body: string) => JSON.parse(body) as T;

function multipart(buf: Buffer) {
  const boundary = '----plansboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="targets.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, buf, tail]),
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('plans API', () => {
  it('what-if: county targets of several methods side by side', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/plans/preview',
      headers,
      payload: {
        year: 2026,
        metric: 'new_installs',
        annual: 100,
        methods: [
          { method: 'households' },
          { method: 'last_year' },
          { method: 'blend', parts: { last_year: 0.5, households: 0.5 } },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const b = json<{ methods: { ok: boolean; counties: { annual: number }[] }[] }>(res.body);
    // households 60/20/20; last year 3:1:0 → 75/25/0; blend 0.5 × (.6,.2,.2) + 0.5 × (.75,.25,0) = 67.5, 22.5, 10 → 68, 22, 10
    expect(b.methods.map((m) => m.counties.map((c) => c.annual))).toEqual([
      [60, 20, 20],
      [75, 25, 0],
      [68, 22, 10],
    ]);
  });

  it('create → publish → revise → compare → progress', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/plans',
      headers,
      payload: { year: 2026, metric: 'new_installs', annual: 120, weights: { method: 'households' } },
    });
    expect(created.statusCode).toBe(201);
    const v1 = json<{ plan_id: number; status: string }>(created.body);
    expect(v1.status).toBe('draft');
    const pub = await app.inject({ method: 'POST', url: `/api/plans/${v1.plan_id}/publish`, headers });
    expect(json<{ status: string; published_by: string }>(pub.body)).toMatchObject({
      status: 'published',
      published_by: 'cli',
    });
    const again = await app.inject({ method: 'POST', url: `/api/plans/${v1.plan_id}/publish`, headers });
    expect(again.statusCode).toBe(409);
    const rev = await app.inject({
      method: 'POST',
      url: `/api/plans/${v1.plan_id}/revise`,
      headers,
      payload: { annual: 180, weights: { method: 'households' }, mode: 'remaining', from_month: 7 },
    });
    expect(rev.statusCode).toBe(201);
    const v2 = json<{ plan_id: number; version: number; counties: { months: number[] }[] }>(rev.body);
    // C01 72 (6/month); kept 36 of the city's 60; remaining 120 → 72/24/24 → C01 12/month from July
    expect(v2.counties[0]?.months).toEqual([6, 6, 6, 6, 6, 6, 12, 12, 12, 12, 12, 12]);
    const cmp = await app.inject({
      method: 'GET',
      url: `/api/plans/compare?a=${v1.plan_id}&b=${v2.plan_id}`,
      headers,
    });
    expect(
      json<{ counties: { county: string; diff: number }[] }>(cmp.body).counties.map((c) => c.diff),
    ).toEqual([36, 12, 12]);
    const prog = await app.inject({
      method: 'GET',
      url: '/api/plans/progress?year=2026&metric=new_installs&at=2026-01-31',
      headers,
    });
    expect(prog.statusCode).toBe(200);
    const p = json<{
      plan: { version: number };
      rows: { county: string; plan_to_date: number; actual_ytd: number; rank: number; light: string }[];
    }>(prog.body);
    expect(p.plan.version).toBe(1);
    expect(p.rows.map((r) => [r.county, r.plan_to_date, r.actual_ytd, r.rank, r.light])).toEqual([
      ['C01', 6, 10, 1, 'green'],
      ['C02', 2, 0, 2, 'red'],
      ['C03', 2, 0, 3, 'red'],
    ]);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/plans/progress?year=2026&metric=new_installs&at=2027-01-31',
      headers,
    });
    expect([bad.statusCode, json<{ message_en: string }>(bad.body).message_en]).toEqual([
      422,
      'The date 2027-01-31 is not in the plan year 2026',
    ]);
  });

  it('province rank and monthly review with follow-up and export', async () => {
    const rank = await app.inject({
      method: 'POST',
      url: '/api/plans/province-rank',
      headers,
      payload: { year: 2026, month: 1, metric: 'overall', rank: 3, of_total: 14 },
    });
    expect(rank.statusCode).toBe(200);
    const hist = await app.inject({ method: 'GET', url: '/api/plans/province-rank?year=2026', headers });
    expect(json<{ month: number; rank: number }[]>(hist.body).map((x) => [x.month, x.rank])).toEqual([
      [1, 3],
    ]);
    const review = await app.inject({
      method: 'POST',
      url: '/api/plans/reviews',
      headers,
      payload: {
        year: 2026,
        month: 1,
        metric: 'new_installs',
        county: 'C02',
        reason_category: 'competition',
        reason_text: '对手降价',
        actions: [{ action: '加开周末营业', owner: '张三', due_date: '2026-02-15' }],
      },
    });
    expect(review.statusCode).toBe(201);
    const feb = await app.inject({ method: 'GET', url: '/api/plans/reviews?year=2026&month=2', headers });
    const fb = json<{
      items: unknown[];
      follow_up: { action: string; county_code: string; status: string }[];
    }>(feb.body);
    expect(fb.items).toEqual([]);
    expect(fb.follow_up.map((a) => [a.county_code, a.action, a.status])).toEqual([
      ['C02', '加开周末营业', 'open'],
    ]);
    const html = await app.inject({
      method: 'GET',
      url: '/api/plans/reviews/export?year=2026&month=1&format=html',
      headers,
    });
    expect(html.body).toContain('加开周末营业');
    const xlsx = await app.inject({
      method: 'GET',
      url: '/api/plans/reviews/export?year=2026&month=1',
      headers,
    });
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/plans/reviews',
      headers,
      payload: { year: 2026, month: 1, metric: 'new_installs', county: 'C02', reason_category: 'luck' },
    });
    expect(bad.statusCode).toBe(422);
  });

  it('template download and upload with per-cell errors', async () => {
    const t = await app.inject({ method: 'GET', url: '/api/plans/template?year=2027', headers });
    expect(t.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(t.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('targets');
    if (!ws) throw new Error('no targets sheet');
    expect(ws.getRow(1).getCell(4).value).toBe('annual');
    // row 2: revenue 1000.5 yuan (not whole); row 3: bad weights text; row 4 fine
    ws.getRow(2).getCell(4).value = 1000.5;
    ws.getRow(3).getCell(5).value = 'random';
    ws.addRow([2027, 'net_adds', '', -10, 'manual:C01=1,C02=1,C03=1', 'equal']);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/plans/upload',
      ...multipart(Buffer.from(await wb.xlsx.writeBuffer())),
    });
    expect(bad.statusCode).toBe(422);
    const errs = json<{ details: { errors: { row: number; column: string }[] } }>(bad.body).details.errors;
    expect(errs.map((e) => [e.row, e.column])).toEqual([
      [3, 'weights'],
      [2, 'annual'],
    ]);
    ws.getRow(2).getCell(4).value = 1000;
    ws.getRow(2).getCell(5).value = 'households'; // nothing billed in 2026: last_year would be all zero
    ws.getRow(3).getCell(5).value = 'households';
    const ok = await app.inject({
      method: 'POST',
      url: '/api/plans/upload',
      ...multipart(Buffer.from(await wb.xlsx.writeBuffer())),
    });
    expect(ok.statusCode).toBe(201);
    const made = json<{ metric: string; annual: number; counties: { annual: number }[] }[]>(ok.body);
    expect(made.map((m) => [m.metric, m.annual, m.counties.map((c) => c.annual)])).toEqual([
      ['revenue', 100000, [60000, 20000, 20000]],
      ['new_installs', 24000, [14400, 4800, 4800]],
      ['net_adds', -10, [-4, -3, -3]],
    ]);
  });
});
