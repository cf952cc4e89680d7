import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { importFile } from '../../ingest/pipeline/import-file.js';
import { loadReference, tempDir } from '../../ingest/pipeline/test/fixtures.js';

/** Who may read the rejected values of a batch: its uploader and city-wide roles that may see personal data. */
let t: TestApp;
const files = tempDir('imports-scope');
let batchId = 0;

beforeAll(async () => {
  t = await createTestApp();
  await loadReference(t.database, files);
  await t.createUser({ username: 'uploader', role: 'support_centre' });
  await t.createUser({ username: 'city', role: 'city_staff' });
  await t.createUser({ username: 'county', role: 'county_manager', county: 'C01' });
  await t.createUser({ username: 'boss', role: 'leader' });
  const r = await importFile(t.database, {
    dataset: 'adjustments',
    filePath: files.write('adjustments_06.csv', [
      'adjustment_id,subscriber_id,bill_month,adjusted_at,amount,reason',
      'J1,S1,202606,2026-06-02,-5,x',
      'J2,13800138000,202606,2026-06-02,-6,y',
    ]),
    actor: 'uploader',
    allowPartial: true,
  });
  expect(r.status).toBe('partial');
  batchId = r.batch_id ?? 0;
});
afterAll(async () => {
  await t.dispose();
  files.remove();
});

async function detail(user: string) {
  const h = (await t.login(user)).headers();
  const res = await t.app.inject({ method: 'GET', url: `/api/imports/batches/${batchId}`, headers: h });
  expect(res.statusCode).toBe(200);
  return res.json<{
    counts: { rejected: number };
    errors: { row: number; value: string }[];
    errors_withheld: number;
  }>();
}

describe('import batch errors', () => {
  it('quote the rejected values to the uploader and to city-wide roles that may see personal data', async () => {
    for (const user of ['uploader', 'city']) {
      const b = await detail(user);
      expect(b.errors).toMatchObject([{ row: 3, value: '13800138000' }]);
      expect(b.errors_withheld).toBe(0);
    }
  });

  it('are withheld from county-bound users and roles without personal data, counts stay visible', async () => {
    for (const user of ['county', 'boss']) {
      const b = await detail(user);
      expect(b.counts.rejected).toBe(1);
      expect(b.errors).toEqual([]);
      expect(b.errors_withheld).toBe(1);
      expect(JSON.stringify(b)).not.toContain('13800138000');
    }
  });
});
