import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestLogin } from '../../../test/support/app.js';
import { addOrder, addSubscriber, seedReference } from '../collections/test-fixtures.js';

const D = '2026-06-15';
let t: TestApp;
let mgr1: TestLogin;
let mgr2: TestLogin;
let staff: TestLogin;
let leader: TestLogin;
let itemC01 = 0;

type Item = { item_id: number; county_code: string; assignee: string | null };

beforeAll(async () => {
  t = await createTestApp({ counties: true });
  const db = t.database.db;
  await seedReference(db, []);
  await addSubscriber(db, { id: 'S1', county: 'C01' });
  await addOrder(db, { id: 'O1', sub: 'S1', type: 'single_stop', at: D });
  await t.createUser({ username: 'mgr1', role: 'county_manager', county: 'C01' });
  await t.createUser({ username: 'mgr1b', role: 'county_manager', county: 'C01' });
  await t.createUser({ username: 'mgr2', role: 'county_manager', county: 'C02' });
  await t.createUser({ username: 'staff', role: 'city_staff' });
  await t.createUser({ username: 'boss', role: 'leader' });
  mgr1 = await t.login('mgr1');
  mgr2 = await t.login('mgr2');
  staff = await t.login('staff');
  leader = await t.login('boss');
  await t.app.inject({
    method: 'POST',
    url: '/api/followups/generate',
    headers: staff.headers(),
    payload: { date: D },
  });
  const list = await t.app.inject({
    method: 'GET',
    url: `/api/followups?date=${D}`,
    headers: staff.headers(),
  });
  const items = (list.json() as { items: Item[] }).items;
  // one item for C01, balanced onto the first county manager by username
  expect(items.map((i) => [i.county_code, i.assignee])).toEqual([['C01', 'mgr1']]);
  itemC01 = items[0]?.item_id ?? 0;
});
afterAll(async () => {
  await t.dispose();
});

const assign = (who: TestLogin, assignee: string, id = itemC01) =>
  t.app.inject({
    method: 'POST',
    url: `/api/followups/${id}/assign`,
    headers: who.headers(),
    payload: { assignee },
  });
const assigneeNow = async () =>
  (
    await t.database.db
      .selectFrom('followup_items')
      .select('assignee')
      .where('item_id', '=', itemC01)
      .executeTakeFirstOrThrow()
  ).assignee;

describe('follow-up reassignment', () => {
  it('lists the users of a county an item can go to, within the actor’s scope', async () => {
    const own = await t.app.inject({
      method: 'GET',
      url: '/api/followups/assignees?county=C01',
      headers: mgr1.headers(),
    });
    expect(own.json()).toEqual({ users: ['mgr1', 'mgr1b'] });
    const city = await t.app.inject({
      method: 'GET',
      url: '/api/followups/assignees?county=C02',
      headers: staff.headers(),
    });
    expect(city.json()).toEqual({ users: ['mgr2'] });
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/followups/assignees?county=C01',
      headers: mgr2.headers(),
    });
    expect(other.statusCode).toBe(403);
    const reader = await t.app.inject({
      method: 'GET',
      url: '/api/followups/assignees?county=C01',
      headers: leader.headers(),
    });
    expect(reader.statusCode).toBe(403);
  });

  it('a county manager hands an item to a colleague of the same county, audited', async () => {
    const res = await assign(mgr1, 'mgr1b');
    expect([res.statusCode, res.json()]).toEqual([200, { ok: true }]);
    expect(await assigneeNow()).toBe('mgr1b');
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'entity_id', 'county_code', 'before', 'after'])
      .where('entity', '=', 'followup_item')
      .execute();
    expect(audit).toEqual([
      {
        actor: 'mgr1',
        action: 'update',
        entity_id: String(itemC01),
        county_code: 'C01',
        before: { assignee: 'mgr1' },
        after: { assignee: 'mgr1b' },
      },
    ]);
  });

  it('refuses a user of another county, another county’s actor, a reader and an unknown item', async () => {
    const foreign = await assign(staff, 'mgr2');
    expect([foreign.statusCode, (foreign.json() as { message_en: string }).message_en]).toEqual([
      403,
      '"mgr2" is not a user of county C01',
    ]);
    expect((await assign(mgr2, 'mgr2')).statusCode).toBe(403);
    expect((await assign(leader, 'mgr1')).statusCode).toBe(403);
    expect((await assign(staff, 'staff')).statusCode).toBe(403); // city staff is not a county worker
    expect((await assign(staff, 'mgr1', 999999)).statusCode).toBe(404);
    expect(await assigneeNow()).toBe('mgr1b');
  });

  it('a closed item cannot be reassigned', async () => {
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/followups/${itemC01}/outcome`,
      headers: staff.headers(),
      payload: { outcome: 'paid', note: null },
    });
    expect(done.statusCode).toBe(200);
    const res = await assign(staff, 'mgr1');
    expect([res.statusCode, (res.json() as { error: string }).error]).toEqual([409, 'conflict']);
    expect(await assigneeNow()).toBe('mgr1b');
  });
});
