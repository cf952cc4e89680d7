import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { runCli } from '../main.js';
import { loadConfig } from '../../config.js';
import { loadReference, tempDir } from '../../ingest/pipeline/test/fixtures.js';

let database: TestDatabase;
const files = tempDir('cli');

beforeAll(async () => {
  database = await createTestDatabase();
  await loadReference(database, files);
});
afterAll(async () => {
  await database.dispose();
  files.remove();
});

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    io: { out: (s) => void (out += s), err: (s) => void (err += s) },
    cwd: files.dir,
    config: loadConfig({}, files.dir),
    database,
  });
  return { code, out, err };
}

describe('marketops import', () => {
  it('imports a file and prints the contract JSON; exit 0', async () => {
    files.write('bills_a.csv', ['subscriber_id,bill_month,amount,extra', 'S1,202606,10', 'S2,202606,20']);
    const r = await cli(['import', 'bills', 'bills_a.csv', '--json', '--as', 'carol']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { files: Record<string, unknown>[] };
    expect(doc).toEqual({
      files: [
        {
          file: 'bills_a.csv',
          dataset: 'bills',
          status: 'imported',
          batch_id: expect.any(Number) as number,
          counts: { read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
          unknown_columns: ['extra'],
          errors: [],
        },
      ],
    });
    expect(r.err).toMatch(/2 rows, \d+ rows\/s, 100%/);
    const again = await cli(['import', '账单', 'bills_a.csv', '--json']);
    expect([again.code, (JSON.parse(again.out) as { files: { status: string }[] }).files[0]?.status]).toEqual(
      [0, 'already_imported'],
    );
  });

  it('exits 1 with the row errors when a row is rejected', async () => {
    files.write('bills_b.csv', ['subscriber_id,bill_month,amount', 'S1,202607,12.345']);
    const r = await cli(['import', 'bills', 'bills_b.csv', '--json']);
    expect(r.code).toBe(1);
    const f = (
      JSON.parse(r.out) as {
        files: { status: string; errors: { row: number; column: string; value: string }[] }[];
      }
    ).files[0];
    expect(f?.status).toBe('rejected');
    expect(f?.errors.map((e) => [e.row, e.column, e.value])).toEqual([[2, 'amount', '12.345']]);
    const human = await cli(['import', 'bills', 'bills_b.csv']);
    expect(human.code).toBe(1);
    expect(human.out).toContain('rejected 已拒绝');
    expect(human.out).toContain('第 2 行');
  });

  it('exits 2 for an unknown dataset or a missing file', async () => {
    expect((await cli(['import', 'nonsense', 'bills_a.csv'])).code).toBe(2);
    expect((await cli(['import', 'bills', 'missing.csv'])).code).toBe(2);
    expect((await cli(['import', 'dir', 'no-such-folder'])).code).toBe(2);
  });

  it('imports a folder, lists batches and freshness, and undoes a batch', async () => {
    const dir = tempDir('cli-dir');
    try {
      dir.write('payments_0601.csv', [
        'payment_id,subscriber_id,paid_at,amount,channel',
        'P1,S1,2026-06-01 10:00,5,cash',
      ]);
      dir.write('readme.md', ['x']);
      const r = await cli(['import', 'dir', dir.dir, '--json']);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.out) as { files: { file: string; status: string; batch_id: number | null }[] };
      expect(doc.files.map((f) => [f.file, f.status])).toEqual([
        ['readme.md', 'skipped'],
        ['payments_0601.csv', 'imported'],
      ]);
      const batches = await cli(['import', 'batches', '--json']);
      const list = (JSON.parse(batches.out) as { batches: { batch_id: number; dataset: string }[] }).batches;
      expect(list[0]).toMatchObject({ dataset: 'payments', batch_id: doc.files[1]?.batch_id });
      const fresh = await cli(['import', 'freshness', '--json']);
      const payments = (
        JSON.parse(fresh.out) as { datasets: { dataset: string; lastLoaded: string }[] }
      ).datasets.find((d) => d.dataset === 'payments');
      expect(payments?.lastLoaded).toBe('2026-06-01');
      const undo = await cli(['import', 'undo', String(doc.files[1]?.batch_id), '--as', 'dave']);
      expect(undo.code).toBe(0);
      expect(undo.out).toContain('0 rows restored, 1 deleted');
    } finally {
      dir.remove();
    }
  });
});
