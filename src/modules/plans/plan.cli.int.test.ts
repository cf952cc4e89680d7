import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { runCli } from '../../cli/main.js';
import { loadConfig } from '../../config.js';
import { addInstalls, seedReference } from './plans.fixtures.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedReference(database.db);
  await addInstalls(database.db, 'C01', '2026-01-05', 12);
  await addInstalls(database.db, 'C02', '2026-02-10', 3);
});
afterAll(async () => database.dispose());

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    io: { out: (s) => void (out += s), err: (s) => void (err += s) },
    cwd: process.cwd(),
    config: loadConfig({ LOG_LEVEL: 'silent' }, process.cwd()),
    database,
  });
  return { code, out, err };
}

describe('marketops plan', () => {
  it('plan set prints the version as plan show does (revenue in fen)', async () => {
    const r = await cli(
      'plan',
      'set',
      '--year',
      '2026',
      '--metric',
      'revenue',
      '--annual',
      '1000',
      '--weights',
      'manual:C01=3,C02=1',
      '--json',
      '--as',
      'alice',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // 1000 yuan × 3/4, 1/4 → 750, 250 yuan; 750/12 = 62 r6, 250/12 = 20 r10 (whole yuan, earlier months first)
    const want = {
      year: 2026,
      metric: 'revenue',
      product: null,
      version: 1,
      status: 'draft',
      annual: 100000,
      counties: [
        { county: 'C01', annual: 75000, months: [...Array(6).fill(6300), ...Array(6).fill(6200)] },
        { county: 'C02', annual: 25000, months: [...Array(10).fill(2100), 2000, 2000] },
        { county: 'C03', annual: 0, months: Array(12).fill(0) },
      ],
    };
    expect(JSON.parse(r.out)).toEqual(want);
    const show = await cli('plan', 'show', '--year', '2026', '--metric', 'revenue', '--json');
    expect(JSON.parse(show.out)).toEqual(want);
  });

  it('--months serves as the distribution; --publish publishes', async () => {
    const r = await cli(
      'plan',
      'set',
      '--year',
      '2026',
      '--metric',
      'new_installs',
      '--annual',
      '120',
      '--weights',
      'households',
      '--months',
      '20,10,10,10,10,10,10,10,10,10,10,0',
      '--publish',
      '--json',
    );
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as {
      status: string;
      counties: { county: string; annual: number; months: number[] }[];
    };
    expect(d.status).toBe('published');
    // households 300:100:100 → 72, 24, 24; C02 24 × w/120 = 4, then 2 × 10, 0
    expect(d.counties.map((c) => [c.county, c.annual, c.months])).toEqual([
      ['C01', 72, [12, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0]],
      ['C02', 24, [4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0]],
      ['C03', 24, [4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0]],
    ]);
  });

  it('plan progress prints the specified JSON shape', async () => {
    const r = await cli(
      'plan',
      'progress',
      '--year',
      '2026',
      '--metric',
      'new_installs',
      '--at',
      '2026-01-31',
      '--json',
    );
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(p)).toEqual(['year', 'metric', 'product', 'at', 'date_used', 'rows']);
    // at Jan 31: plan_to_date = the January value 12 / 4 / 4; C01 did 12, C02 none yet
    expect(p.rows).toEqual([
      {
        county: 'C01',
        annual: 72,
        plan_to_date: 12,
        actual_ytd: 12,
        gap_to_schedule: 0,
        completion_rate: { value: 0.1667, numerator: 12, denominator: 72 },
        time_progress: { value: 0.0849, numerator: 31, denominator: 365 },
        schedule_attainment: { value: 1, numerator: 12, denominator: 12 },
        rank: 1,
      },
      {
        county: 'C02',
        annual: 24,
        plan_to_date: 4,
        actual_ytd: 0,
        gap_to_schedule: -4,
        completion_rate: { value: 0, numerator: 0, denominator: 24 },
        time_progress: { value: 0.0849, numerator: 31, denominator: 365 },
        schedule_attainment: { value: 0, numerator: 0, denominator: 4 },
        rank: 2,
      },
      {
        county: 'C03',
        annual: 24,
        plan_to_date: 4,
        actual_ytd: 0,
        gap_to_schedule: -4,
        completion_rate: { value: 0, numerator: 0, denominator: 24 },
        time_progress: { value: 0.0849, numerator: 31, denominator: 365 },
        schedule_attainment: { value: 0, numerator: 0, denominator: 4 },
        rank: 3,
      },
    ]);
    const rev = await cli(
      'plan',
      'progress',
      '--year',
      '2026',
      '--metric',
      'revenue',
      '--at',
      '2026-01-15',
      '--json',
    );
    expect(JSON.parse(rev.out)).toMatchObject({ at: '2026-01-15', date_used: '2025-12-31' });
  });

  it('rejected input exits 1 with the reason; bad usage exits 2', async () => {
    const cents = await cli(
      'plan',
      'set',
      '--year',
      '2026',
      '--metric',
      'revenue',
      '--annual',
      '1000.50',
      '--weights',
      'households',
    );
    expect([cents.code, cents.err]).toEqual([
      1,
      '年度目标必须是整元：1000.50 元 / The revenue annual target must be whole yuan: 1000.50 yuan\n',
    ]);
    const neg = await cli(
      'plan',
      'set',
      '--year',
      '2026',
      '--metric',
      'new_installs',
      '--annual',
      '-5',
      '--weights',
      'households',
    );
    expect(neg.code).toBe(1);
    expect(neg.err).toContain('only net_adds may be negative');
    const zero = await cli(
      'plan',
      'set',
      '--year',
      '2026',
      '--metric',
      'new_installs',
      '--annual',
      '5',
      '--weights',
      'manual:C01=0',
    );
    expect([zero.code, zero.err.includes('all zero')]).toEqual([1, true]);
    const pct = await cli(
      'plan',
      'set',
      '--year',
      '2026',
      '--metric',
      'new_installs',
      '--annual',
      '5',
      '--weights',
      'households',
      '--distribution',
      'custom:10,10,10,10,10,10,10,10,10,10,10,10',
    );
    expect(pct.code).toBe(1);
    expect(pct.err).toContain('sum to 120, 20 over 100');
    const negNet = await cli(
      'plan',
      'set',
      '--year',
      '2026',
      '--metric',
      'net_adds',
      '--annual',
      '-10',
      '--weights',
      'manual:C01=1,C02=1,C03=1',
      '--json',
    );
    expect(JSON.parse(negNet.out)).toMatchObject({
      annual: -10,
      counties: [{ annual: -4 }, { annual: -3 }, { annual: -3 }],
    });
    expect(
      (
        await cli(
          'plan',
          'set',
          '--year',
          '2026',
          '--metric',
          'profit',
          '--annual',
          '5',
          '--weights',
          'households',
        )
      ).code,
    ).toBe(2);
    expect(
      (
        await cli(
          'plan',
          'set',
          '--year',
          '2026',
          '--metric',
          'new_installs',
          '--annual',
          '5',
          '--weights',
          'weird',
        )
      ).code,
    ).toBe(2);
    expect(
      (await cli('plan', 'progress', '--year', '2026', '--metric', 'new_installs', '--at', '2026-02-30'))
        .code,
    ).toBe(2);
    expect((await cli('plan', 'show', '--year', '2026', '--metric', 'new_installs')).code).toBe(0);
  });
});
