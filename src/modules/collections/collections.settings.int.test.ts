import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestLogin } from '../../../test/support/app.js';

let t: TestApp;
let staff: TestLogin;
let mgr: TestLogin;

beforeAll(async () => {
  t = await createTestApp({ counties: true });
  await t.createUser({ username: 'staff', role: 'city_staff' });
  await t.createUser({ username: 'mgr1', role: 'county_manager', county: 'C01' });
  staff = await t.login('staff');
  mgr = await t.login('mgr1');
});
afterAll(async () => {
  await t.dispose();
});

const put = (who: TestLogin, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'PUT', url: '/api/collections/settings', headers: who.headers(), payload });
const issues = (res: { json: () => unknown }) =>
  (res.json() as { details: { issues: { field: string }[] } }).details.issues.map((i) => i.field);

describe('collections settings API', () => {
  it('reads the defaults, merges a partial change and audits it', async () => {
    const before = await t.app.inject({
      method: 'GET',
      url: '/api/collections/settings',
      headers: mgr.headers(),
    });
    expect(before.json()).toMatchObject({
      target_rate_bp: 9800,
      dual_stop_days: 60,
      followup_cron: '0 7 * * *',
    });
    const res = await put(staff, {
      target_rate_bp: 9750,
      arrears_threshold_fen: 50000,
      followup_cron: '30 6 * * *',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      target_rate_bp: 9750,
      arrears_threshold_fen: 50000,
      zero_fee_months: 3,
      contract_days: 30,
      dual_stop_days: 60,
      followup_cron: '30 6 * * *',
    });
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['actor', 'entity_id'])
      .where('entity', '=', 'setting')
      .execute();
    expect(audit).toEqual([{ actor: 'staff', entity_id: 'collections' }]);
  });

  it('answers 422 with the bad fields and keeps the stored values', async () => {
    const res = await put(staff, { target_rate_bp: 10001, dual_stop_days: 0 });
    expect(res.statusCode).toBe(422);
    expect(issues(res).sort()).toEqual(['dual_stop_days', 'target_rate_bp']);
    const cron = await put(staff, { followup_cron: '99 99 * * * *' });
    expect([cron.statusCode, issues(cron)]).toEqual([422, ['followup_cron']]);
    const now = await t.app.inject({
      method: 'GET',
      url: '/api/collections/settings',
      headers: staff.headers(),
    });
    expect(now.json()).toMatchObject({
      target_rate_bp: 9750,
      dual_stop_days: 60,
      followup_cron: '30 6 * * *',
    });
  });

  it('refuses a county manager', async () => {
    expect((await put(mgr, { target_rate_bp: 9000 })).statusCode).toBe(403);
  });
});
