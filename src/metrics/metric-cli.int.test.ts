import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { factories } from '../../test/support/factories.js';
import { runCli } from '../cli/main.js';
import { loadConfig } from '../config.js';

let t: TestDatabase;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mo-metric-cli-'));

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  await f.county('C01');
  await f.county('C02');
  await f.product('BB');
  await f.subscriber('S1', { county: 'C01', product: 'BB', install: '2024-01-01' });
  await f.subscriber('S2', { county: 'C02', product: 'BB', install: '2024-05-01' });
  await f.order('S2', 'new_install', '2024-05-01');
});
afterAll(async () => {
  await t.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    io: { out: (s) => void (out += s), err: (s) => void (err += s) },
    cwd: dir,
    config: loadConfig({}, dir),
    database: t,
  });
  return { code, out, err };
}

describe('marketops metric', () => {
  it('prints the answer as spec JSON', async () => {
    const r = await cli('metric', 'active_subscribers', '--at', '2024-06-30', '--by', 'county');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      metric: 'active_subscribers',
      at: '2024-06-30',
      by: ['county'],
      rows: [
        { county: 'C01', value: 1 },
        { county: 'C02', value: 1 },
      ],
    });
  });

  it('explains a row with its records', async () => {
    const r = await cli(
      'metric',
      'new_installs',
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-31',
      '--county',
      'C02',
      '--explain',
    );
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as { total: number; rows: { subscriber_id: string }[] };
    expect(d.total).toBe(1);
    expect(d.rows[0]?.subscriber_id).toBe('S2');
  });

  it('fails with a bilingual message on a rejected query', async () => {
    const r = await cli('metric', 'revenue', '--from', '2024-05-02', '--to', '2024-05-31');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/整月.* \/ revenue exists per whole month/);
  });

  it('runs a batch, answering rejected queries with their error', async () => {
    const file = path.join(dir, 'q.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        queries: [
          {
            id: 'a',
            metric: 'new_installs',
            from: '2024-05-01',
            to: '2024-05-31',
            by: [],
            filters: { county: 'C02' },
            note: 'ignored',
          },
          { id: 'b', metric: 'cash_gap', from: '2024-05-01', to: '2024-05-31', by: ['product'] },
        ],
      }),
    );
    const r = await cli('metric', 'batch', 'q.json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { answers: Record<string, unknown>[] };
    expect(body.answers[0]).toEqual({
      id: 'a',
      metric: 'new_installs',
      from: '2024-05-01',
      to: '2024-05-31',
      by: [],
      rows: [{ value: 1 }],
    });
    expect(body.answers[1]).toMatchObject({
      id: 'b',
      metric: 'cash_gap',
      error: expect.stringContaining('cannot be cut by product'),
    });
    fs.writeFileSync(file, '{not json');
    expect((await cli('metric', 'batch', 'q.json')).code).toBe(1);
  });
});
