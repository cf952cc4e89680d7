import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openEmbedded, openPostgres, type Database } from '../../db/connect.js';
import { createTestDatabase, testEngine, type TestDatabase } from '../../../test/support/db.js';
import { importFile } from './import-file.js';
import { loadReference, tempDir } from './test/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.join(import.meta.dirname, 'test/kill-child.ts');
const files = tempDir('kill');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await loadReference(database, files);
  const r = await importFile(database, {
    dataset: 'payments',
    filePath: files.write('payments_base.csv', [
      'payment_id,subscriber_id,paid_at,amount,channel',
      'B1,S1,2026-06-01,10,cash',
    ]),
    actor: 't',
  });
  expect(r.status).toBe('imported');
});
afterAll(async () => {
  await database.dispose();
  files.remove();
});

/** Everything the import could touch, as text: the data tables, payments' indexes and the batch history. */
async function snapshot(d: Database): Promise<string> {
  const parts: string[] = [];
  const ix = await sql<{
    s: string | null;
  }>`select string_agg(indexdef, E'\n' order by indexname) as s from pg_indexes where tablename = 'payments'`.execute(
    d.db,
  );
  parts.push(`indexes:${ix.rows[0]?.s ?? ''}`);
  for (const t of ['payments', 'import_batches', 'import_row_versions', 'import_rejects', 'audit_log']) {
    const r = await sql<{
      s: string | null;
    }>`select string_agg(x::text, E'\n' order by x::text) as s from ${sql.table(t)} x`.execute(d.db);
    parts.push(`${t}:${r.rows[0]?.s ?? ''}`);
  }
  return parts.join('\n');
}

function bigPayments(rows: number): string {
  const p = path.join(files.dir, 'payments_big.csv');
  const fd = fs.openSync(p, 'w');
  fs.writeSync(fd, 'payment_id,subscriber_id,paid_at,amount,channel\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += `K${i},S${(i % 2) + 1},2026-06-${String((i % 28) + 1).padStart(2, '0')} 10:00,${(i % 500) + 1}.50,cash\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return p;
}

/** Start the child and SIGKILL it once it has staged some rows. */
function killMidImport(
  target: string,
  file: string,
  path: 'direct' | 'staged',
): Promise<{ killedAt: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, 'payments', file, path], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let killedAt = -1;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const staged = Math.max(0, ...[...output.matchAll(/progress (\d+)\n/g)].map((m) => Number(m[1])));
      if (killedAt < 0 && staged >= 20_000) {
        killedAt = staged;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve({ killedAt, output })
        : reject(new Error(`child was not killed:\n${output}`)),
    );
  });
}

describe('killed in the middle of an import', () => {
  // on PostgreSQL a large first load takes the direct path (direct-load.ts): COPY into the table inside
  // the open transaction, indexes dropped; the embedded engine always stages
  const paths = testEngine() === 'postgres' ? (['direct', 'staged'] as const) : (['staged'] as const);
  it.each(paths)(
    '(%s path) leaves the data tables, their indexes and the batch history exactly as before; the next import works',
    async (path) => {
      const before = await snapshot(database);
      const big = bigPayments(200_000);
      let reopened: Database;
      if (database.url) {
        await killMidImport(database.url, big, path);
        reopened = await openPostgres(database.url, { max: 2 });
      } else {
        const dir = database.dataDir as string;
        await database.close();
        await killMidImport(dir, big, path);
        reopened = await openEmbedded({ dataDir: dir });
      }
      try {
        expect(await snapshot(reopened)).toBe(before);
        const r = await importFile(reopened, {
          dataset: 'payments',
          filePath: files.write(`payments_after_${path}.csv`, [
            'payment_id,subscriber_id,paid_at,amount,channel',
            `A_${path},S2,2026-06-02,20,bank`,
          ]),
          actor: 't',
        });
        expect(r.status).toBe('imported');
        expect(r.counts.inserted).toBe(1);
        if (!database.url) {
          // the embedded engine drops the killed import's staging tables on the next import
          const left = await sql<{
            n: number;
          }>`select count(*)::int as n from pg_tables where tablename like 'import_stage_%'`.execute(
            reopened.db,
          );
          expect(left.rows[0]?.n).toBe(0);
        }
      } finally {
        if (database.url) await reopened.close();
        else Object.assign(database, { close: () => reopened.close() });
      }
    },
    180_000,
  );
});
