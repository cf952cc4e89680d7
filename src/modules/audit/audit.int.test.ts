import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.js';
import { recordAudit } from './audit.repository.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ counties: true });
  const db = t.database.db;
  await recordAudit(db, {
    actor: 'ann',
    action: 'import',
    entity: 'import_batch',
    entityId: 1,
    county: null,
  });
  await recordAudit(db, {
    actor: 'ann',
    action: 'reveal',
    entity: 'subscriber',
    entityId: 'S1',
    county: 'C01',
  });
  await recordAudit(db, {
    actor: 'ben',
    action: 'reveal',
    entity: 'subscriber',
    entityId: 'S2',
    county: 'C02',
  });
  await recordAudit(db, {
    actor: 'ben',
    action: 'update',
    entity: 'plan',
    entityId: 7,
    county: 'C01',
    before: { v: 1 },
    after: { v: 2 },
  });
  // spread the four entries over four local days: 2026-05-01 … 2026-05-04 (Asia/Shanghai)
  await sql`
    update audit_log set at = ('2026-04-30 16:30:00+00'::timestamptz + (audit_id - 1) * interval '1 day')
  `.execute(db);
  await t.createUser({ username: 'root', role: 'admin' });
  await t.createUser({ username: 'aud1', role: 'auditor', auditorLevel: 1, county: 'C01' });
  await t.createUser({ username: 'aud3', role: 'auditor', auditorLevel: 3 });
  await t.createUser({ username: 'mgr', role: 'county_manager', county: 'C01' });
});
afterAll(async () => t.dispose());

const list = async (who: string, query = '') => {
  const s = await t.login(who);
  return t.app.inject({ method: 'GET', url: `/api/audit${query}`, headers: s.headers() });
};
const entries = (body: { rows: { actor: string; action: string; entityId: string | null }[] }) =>
  body.rows.filter((r) => r.action !== 'login').map((r) => `${r.actor}:${r.action}:${r.entityId ?? ''}`);

describe('audit trail viewer', () => {
  it('lists newest first with before/after for an admin', async () => {
    const res = await list('root', '?entity=plan');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(res.json().rows[0]).toMatchObject({
      actor: 'ben',
      action: 'update',
      entity: 'plan',
      entityId: '7',
      county: 'C01',
      before: { v: 1 },
      after: { v: 2 },
    });
    const all = await list('root', '?to=2026-05-31');
    expect(entries(all.json())).toEqual(['ben:update:7', 'ben:reveal:S2', 'ann:reveal:S1', 'ann:import:1']);
  });

  it('filters by actor, action and local date range, and pages', async () => {
    expect(entries((await list('root', '?actor=ann')).json())).toEqual(['ann:reveal:S1', 'ann:import:1']);
    expect(entries((await list('root', '?action=reveal')).json())).toEqual([
      'ben:reveal:S2',
      'ann:reveal:S1',
    ]);
    // 2026-05-02 00:30 and 2026-05-03 00:30 local time
    expect(entries((await list('root', '?from=2026-05-02&to=2026-05-03')).json())).toEqual([
      'ben:reveal:S2',
      'ann:reveal:S1',
    ]);
    const page2 = (await list('root', '?to=2026-05-31&pageSize=3&page=2')).json();
    expect(page2.total).toBe(4);
    expect(entries(page2)).toEqual(['ann:import:1']);
  });

  it('a level-1 auditor sees only entries of their county; a level-3 auditor sees all', async () => {
    expect(entries((await list('aud1', '?to=2026-05-31')).json())).toEqual(['ben:update:7', 'ann:reveal:S1']);
    expect((await list('aud3', '?to=2026-05-31')).json().total).toBe(4);
  });

  it('is refused to a county manager', async () => {
    expect((await list('mgr')).statusCode).toBe(403);
  });
});
