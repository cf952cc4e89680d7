import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../config.js';
import { loadReference, tempDir } from '../../ingest/pipeline/test/fixtures.js';

let database: TestDatabase;
let app: FastifyInstance;
const files = tempDir('api');
const H = { 'x-marketops-token': 'tok' };

beforeAll(async () => {
  database = await createTestDatabase();
  await loadReference(database, files);
  app = await buildApp({
    database,
    config: loadConfig({}, files.dir),
    version: 't',
    localToken: 'tok',
    pendingMigrations: 0,
    logger: false,
  });
});
afterAll(async () => {
  await app.close();
  await database.dispose();
  files.remove();
});

function multipart(
  parts: ({ name: string; value: string } | { name: string; filename: string; content: string })[],
) {
  const boundary = '----moTestBoundary';
  const chunks = parts.map((p) =>
    'filename' in p
      ? `--${boundary}\r\ncontent-disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\ncontent-type: text/csv\r\n\r\n${p.content}\r\n`
      : `--${boundary}\r\ncontent-disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`,
  );
  return {
    payload: Buffer.from(`${chunks.join('')}--${boundary}--\r\n`),
    headers: { ...H, 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function waitJob(jobId: string) {
  for (let i = 0; i < 200; i++) {
    const r = await app.inject({ method: 'GET', url: `/api/imports/jobs/${jobId}`, headers: H });
    const body = r.json<{
      status: string;
      result?: { status: string; batch_id: number; counts: Record<string, number> };
    }>();
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('job did not finish');
}

describe('imports API', () => {
  it('runs an upload as a job, lists the batch, serves rejects as text-safe CSV, and undoes it', async () => {
    const up = multipart([
      { name: 'allowPartial', value: 'true' },
      {
        name: 'file',
        filename: 'adjustments_06.csv',
        content:
          'adjustment_id,subscriber_id,bill_month,adjusted_at,amount,reason\nJ1,S1,202606,2026-06-02,-5,=cmd\nJ2,SX,202606,2026-06-02,-6,@x\n',
      },
    ]);
    const res = await app.inject({ method: 'POST', url: '/api/imports', ...up });
    expect(res.statusCode).toBe(202);
    const jobs = res.json<{ jobs: { jobId: string; file: string; dataset: string }[] }>().jobs;
    expect(jobs.map((j) => [j.file, j.dataset])).toEqual([['adjustments_06.csv', 'adjustments']]);
    const job = await waitJob(jobs[0]?.jobId ?? '');
    expect(job.status).toBe('done');
    expect(job.result?.status).toBe('partial');
    expect(job.result?.counts).toEqual({ read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 });
    const batchId = job.result?.batch_id ?? 0;

    const list = await app.inject({
      method: 'GET',
      url: '/api/imports/batches?dataset=adjustments',
      headers: H,
    });
    expect(list.json<{ items: { batch_id: number; status: string }[]; total: number }>()).toMatchObject({
      total: 1,
      items: [{ batch_id: batchId, status: 'partial' }],
    });
    const detail = await app.inject({ method: 'GET', url: `/api/imports/batches/${batchId}`, headers: H });
    expect(detail.json<{ errors: { row: number; value: string }[] }>().errors).toMatchObject([
      { row: 3, value: 'SX' },
    ]);

    const csv = await app.inject({
      method: 'GET',
      url: `/api/imports/batches/${batchId}/rejects?format=csv`,
      headers: H,
    });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'adjustment_id,subscriber_id,bill_month,adjusted_at,amount,reason,原行号 row,拒绝原因 reason',
    );
    expect(lines[1]?.startsWith("J2,SX,202606,2026-06-02,-6,'@x,3,")).toBe(true);
    const xlsx = await app.inject({
      method: 'GET',
      url: `/api/imports/batches/${batchId}/rejects?format=xlsx`,
      headers: H,
    });
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    const undo = await app.inject({
      method: 'POST',
      url: `/api/imports/batches/${batchId}/undo`,
      headers: H,
    });
    expect(undo.json()).toMatchObject({ batch_id: batchId, deleted: 1 });
    const fresh = await app.inject({ method: 'GET', url: '/api/imports/freshness', headers: H });
    expect(
      fresh
        .json<{ datasets: { dataset: string; rows: number }[] }>()
        .datasets.find((d) => d.dataset === 'adjustments')?.rows,
    ).toBe(0);
  });

  it('refuses an upload whose dataset it cannot tell', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/imports',
      ...multipart([{ name: 'file', filename: 'data.csv', content: 'a,b\n' }]),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ message_zh: string }>().message_zh).toContain('data.csv');
  });

  it('needs a signed-in user', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/imports/batches' });
    expect(res.statusCode).toBe(401);
  });
});
