import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { getSubscriberDetail } from '../subscribers/subscribers.service.js';
import { systemActor } from '../../server/rbac.js';
import './followup.subscriber-section.js';

describe('follow-up items on the subscriber page', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await sql`insert into counties (county_code, county_name) values ('C01', '城区')`.execute(t.db);
    await sql`insert into products (product_code, product_name) values ('BB', '宽带')`.execute(t.db);
    await sql`insert into packages values ('K1', '宽带包月', 'BB', 5900, 'monthly', null, null)`.execute(
      t.db,
    );
    await sql`insert into subscribers (subscriber_id, account_id, customer_name, county_code, product_code, package_code, install_date, status)
              values ('S1', 'A1', '张三明', 'C01', 'BB', 'K1', '2025-01-01', 'dual_stop')`.execute(t.db);
    await t.db
      .insertInto('followup_items')
      .values([
        {
          list_date: '2026-11-01',
          subscriber_id: 'S1',
          county_code: 'C01',
          reason: 'single_stop',
          dedupe_key: 'a',
          figures: JSON.stringify({ order_id: 'O1' }),
          assignee: 'c01',
          outcome: 'promised',
          note: '月底前缴费',
          outcome_at: '2026-11-02 10:00:00+08',
          outcome_by: 'c01',
          auto_close: null,
          closed_at: '2026-11-02 10:00:00+08',
          closed_by: 'c01',
          status: 'closed',
        },
        {
          list_date: '2026-11-20',
          subscriber_id: 'S1',
          county_code: 'C01',
          reason: 'dual_stop',
          dedupe_key: 'b',
          figures: JSON.stringify({ order_id: 'O2' }),
          assignee: 'c01',
          outcome: null,
          note: null,
          outcome_at: null,
          outcome_by: null,
          auto_close: null,
          closed_at: null,
          closed_by: null,
        },
      ])
      .execute();
  });
  afterAll(async () => t?.dispose());

  it('lists the items newest first with their outcomes', async () => {
    const detail = await getSubscriberDetail(t.db, systemActor('t'), 'S1', '2026-11-28');
    const items = detail.sections.followups as {
      listDate: string;
      reason: string;
      status: string;
      outcome: string | null;
      note: string | null;
    }[];
    expect(items.map((i) => [i.listDate, i.reason, i.status, i.outcome, i.note])).toEqual([
      ['2026-11-20', 'dual_stop', 'open', null, null],
      ['2026-11-01', 'single_stop', 'closed', 'promised', '月底前缴费'],
    ]);
  });
});
