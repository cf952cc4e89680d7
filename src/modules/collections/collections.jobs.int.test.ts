import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { createScheduler, type Scheduler } from '../../server/scheduler.js';
import { runBatchHooks, runCommittedHooks } from '../../ingest/hooks.js';
import { addBatch, addOrder, addSubscriber, seedReference } from './test-fixtures.js';
import { COLLECTIONS_JOBS, registerCollectionsJobs } from './collections.jobs.js';

let t: TestDatabase;
let scheduler: Scheduler;
let unhook: () => void;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedReference(t.db);
  await addSubscriber(t.db, { id: 'S1', county: 'C01' });
  await addOrder(t.db, { id: 'O1', sub: 'S1', type: 'single_stop', at: '2026-06-15' });
  scheduler = createScheduler({ db: t.db });
  unhook = await registerCollectionsJobs(scheduler, { db: t.db, today: () => '2026-06-15' });
});
afterAll(async () => {
  unhook();
  scheduler.stop();
  await t.dispose();
});

describe('collections jobs', () => {
  it('runs the daily list job now and records the run', async () => {
    expect(scheduler.list().map((j) => [j.name, j.cron])).toEqual([
      [COLLECTIONS_JOBS.followups, '0 7 * * *'],
      [COLLECTIONS_JOBS.weekly, '0 8 * * 1'],
      [COLLECTIONS_JOBS.monthly, '0 8 2 * *'],
    ]);
    const run = await scheduler.runNow(COLLECTIONS_JOBS.followups);
    expect(run).toMatchObject({ status: 'ok', message: '1 new items for 2026-06-15' });
    const rows = await t.db
      .selectFrom('scheduler_runs')
      .select(['job', 'trigger', 'status', 'message'])
      .execute();
    expect(rows).toEqual([
      { job: 'followup:generate', trigger: 'manual', status: 'ok', message: '1 new items for 2026-06-15' },
    ]);
  });

  it('closes items from an imported batch in its transaction, and lists new stops once it committed', async () => {
    const b = await addBatch(t.db, 'orders');
    await addOrder(t.db, { id: 'O2', sub: 'S1', type: 'resume', at: '2026-06-15 18:00:00', batch: b });
    await addSubscriber(t.db, { id: 'S2', county: 'C02' });
    await addOrder(t.db, { id: 'O3', sub: 'S2', type: 'dual_stop', at: '2026-06-15', batch: b });
    await t.db.transaction().execute((trx) =>
      runBatchHooks(trx, {
        dataset: 'orders',
        batchId: b,
        months: ['2026-06'],
        dateRange: null,
        counties: null,
        action: 'apply',
      }),
    );
    const items = () =>
      t.db.selectFrom('followup_items').select(['subscriber_id', 'status']).orderBy('item_id').execute();
    expect(await items()).toEqual([{ subscriber_id: 'S1', status: 'closed' }]);
    // what the pipeline runs once the batch has committed
    await runCommittedHooks(t.db, { dataset: 'orders', action: 'apply', changed: true }, (e) => {
      throw e;
    });
    expect(await items()).toEqual([
      { subscriber_id: 'S1', status: 'closed' },
      { subscriber_id: 'S2', status: 'open' },
    ]);
    // an undo or a batch that changed nothing generates nothing, though a new stop is there to list
    await addSubscriber(t.db, { id: 'S3', county: 'C02' });
    await addOrder(t.db, { id: 'O4', sub: 'S3', type: 'single_stop', at: '2026-06-15' });
    await runCommittedHooks(t.db, { dataset: 'orders', action: 'undo', changed: true }, (e) => {
      throw e;
    });
    await runCommittedHooks(t.db, { dataset: 'orders', action: 'apply', changed: false }, (e) => {
      throw e;
    });
    expect(await items()).toHaveLength(2);
  });
});
