import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { factories } from '../../test/support/factories.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../config.js';
import { systemActor, type Actor } from '../server/rbac.js';
import { drillMetric } from './drill.js';

let t: TestDatabase;
let app: FastifyInstance;
const H = { 'x-marketops-token': 'tok' };

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  await f.county('C01');
  await f.county('C02');
  await f.product('BB');
  await f.outlet('O1', 'C01');
  await f.outlet('O2', 'C02');
  await f.warehouse('W0', null);
  await f.item('ONT', { product: 'BB' });
  await f.subscriber('S1', {
    county: 'C01',
    product: 'BB',
    install: '2024-01-01',
    name: '张三明',
    phone: '13812345678',
  });
  await f.subscriber('S2', { county: 'C01', product: 'BB', install: '2024-01-01', name: '=HYPERLINK("x")' });
  await f.subscriber('S3', { county: 'C02', product: 'BB', install: '2024-01-01' });
  await f.bill('S1', '2026-03', 10000);
  await f.bill('S2', '2026-03', 5000);
  await f.bill('S3', '2026-03', 2000);
  await f.payment('S1', '2026-03', '2026-04-01', 10000);
  app = await buildApp({
    database: t,
    config: loadConfig({}),
    version: 't',
    localToken: 'tok',
    pendingMigrations: 0,
    logger: false,
  });
});
afterAll(async () => {
  await app.close();
  await t.dispose();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: H });

describe('GET /api/metrics', () => {
  it('serves the catalog with labels, unit, kind, cuts and definitions', async () => {
    const r = await get('/api/metrics');
    expect(r.statusCode).toBe(200);
    const m = (r.json() as { metrics: { id: string; unit: string; kind: string; cuts: string[] }[] }).metrics;
    expect(m).toHaveLength(30);
    expect(m.find((x) => x.id === 'cash_gap')).toMatchObject({
      unit: 'fen',
      kind: 'period',
      cuts: ['county', 'outlet', 'month'],
    });
  });

  it('answers a query in the spec shape', async () => {
    const r = await get('/api/metrics/current_collection_rate?month=2026-03&cutoff=2026-04-30&by=county');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      metric: 'current_collection_rate',
      month: '2026-03',
      cutoff: '2026-04-30',
      provisional: false,
      by: ['county'],
      rows: [
        { county: 'C01', value: 0.6667, numerator: 10000, denominator: 15000 },
        { county: 'C02', value: 0, numerator: 0, denominator: 2000 },
      ],
    });
  });

  it('rejects bad queries with a bilingual 422', async () => {
    const r = await get('/api/metrics/revenue?from=2026-03-02&to=2026-03-31');
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ error: 'validation', message_zh: expect.stringContaining('整月') });
  });

  it('exports csv and xlsx, audited', async () => {
    const csv = await get('/api/metrics/receivable?month=2026-03&cutoff=2026-04-30&by=county&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toBe('\uFEFF县区 County,当期应收 Receivable\r\nC01,150.00\r\nC02,20.00\r\n');
    const x = await get('/api/metrics/receivable?month=2026-03&cutoff=2026-04-30&format=xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]?.getCell(3, 1).value).toBe(170);
    const audits = await t.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'export')
      .execute();
    expect(audits).toHaveLength(2);
  });
});

describe('drill-down', () => {
  it('lists the records behind a row, masked, sortable and paginated', async () => {
    const r = await get(
      `/api/metrics/receivable/drill?month=2026-03&cutoff=2026-04-30&by=county&row=${encodeURIComponent('{"county":"C01"}')}&sort=due&order=desc&pageSize=1`,
    );
    expect(r.statusCode).toBe(200);
    const body = r.json() as { total: number; rows: Record<string, unknown>[]; columns: { key: string }[] };
    expect(body.total).toBe(2);
    expect(body.rows).toEqual([
      expect.objectContaining({
        subscriber_id: 'S1',
        customer_name: '张*明',
        phone: '138****5678',
        due: 10000,
        paid: 10000,
      }),
    ]);
  });

  it('export keeps a formula-looking name as text', async () => {
    const r = await get(
      `/api/metrics/receivable/drill?month=2026-03&cutoff=2026-04-30&by=county&row=${encodeURIComponent('{"county":"C01"}')}&format=csv&reveal=1`,
    );
    expect(r.body).toContain(`'=HYPERLINK(""x"")`);
  });

  it('reveals personal data only to allowed roles, with an audit entry', async () => {
    const q = { metric: 'receivable', month: '2026-03', cutoff: '2026-04-30', by: ['county'], filters: {} };
    const d = await drillMetric(t.db, systemActor('boss'), q, {
      row: { county: 'C01' },
      side: 'value',
      page: 1,
      pageSize: 10,
      order: 'asc',
      reveal: true,
    });
    expect(d.rows.map((r) => r.customer_name)).toEqual(['张三明', '=HYPERLINK("x")']);
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'reveal')
        .where('actor', '=', 'boss')
        .execute(),
    ).toHaveLength(1);
    const leader: Actor = {
      ...systemActor('l'),
      role: 'leader',
      permissions: new Set(['metrics:read', 'data:read']),
    };
    await expect(
      drillMetric(t.db, leader, q, {
        row: { county: 'C01' },
        side: 'value',
        page: 1,
        pageSize: 10,
        order: 'asc',
        reveal: true,
      }),
    ).rejects.toThrow(/reveal/);
  });

  it('numerator side lists only contributing records; county scope applies', async () => {
    const q = {
      metric: 'current_collection_rate',
      month: '2026-03',
      cutoff: '2026-04-30',
      by: [],
      filters: {},
    };
    const num = await drillMetric(t.db, systemActor('x'), q, {
      row: {},
      side: 'numerator',
      page: 1,
      pageSize: 10,
      order: 'asc',
      reveal: false,
    });
    expect(num.rows.map((r) => r.subscriber_id)).toEqual(['S1']);
    const c2: Actor = { ...systemActor('c2'), role: 'county_manager', countyScope: 'C02' };
    const den = await drillMetric(t.db, c2, q, {
      row: {},
      side: 'denominator',
      page: 1,
      pageSize: 10,
      order: 'asc',
      reveal: false,
    });
    expect(den.rows.map((r) => r.subscriber_id)).toEqual(['S3']);
  });
});

describe('GET /api/reference', () => {
  it('lists the reference data', async () => {
    const r = await get('/api/reference');
    expect(r.json()).toEqual({
      counties: [
        { code: 'C01', name: '县区C01', households: null },
        { code: 'C02', name: '县区C02', households: null },
      ],
      products: [{ code: 'BB', name: '产品BB' }],
      outlets: [
        { code: 'O1', name: '网点O1', county: 'C01' },
        { code: 'O2', name: '网点O2', county: 'C02' },
      ],
      warehouses: [{ code: 'W0', name: '仓库W0', county: null }],
      items: [{ code: 'ONT', name: '物料ONT', product: 'BB', serialized: true }],
    });
  });
});
