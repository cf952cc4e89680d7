import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestLogin } from '../../../test/support/app.js';
import { runCli } from '../../cli/main.js';
import { ensureDemoUsers } from './users.service.js';

let t: TestApp;
let admin: TestLogin;

beforeAll(async () => {
  t = await createTestApp({ counties: true });
  await t.createUser({ username: 'root', role: 'admin' });
  admin = await t.login('root');
});
afterAll(async () => t.dispose());

const post = (url: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: admin.headers(), ...(payload ? { payload } : {}) });

describe('users API', () => {
  it('creates a county manager, audited without the password hash', async () => {
    const res = await post('/api/users', {
      username: 'mgr1',
      displayName: '王经理',
      role: 'county_manager',
      county: 'C01',
      password: 'abcdefgh12',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().user).toMatchObject({
      username: 'mgr1',
      displayName: '王经理',
      role: 'county_manager',
      county: 'C01',
      auditorLevel: null,
      disabled: false,
      mustChangePassword: true,
    });
    const audit = await t.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'user')
      .where('entity_id', '=', 'mgr1')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'root', action: 'create' });
    expect(JSON.stringify(audit)).not.toMatch(/argon2|abcdefgh12/);
  });

  it.each([
    [{ username: 'x1', role: 'county_manager', password: 'abcdefgh12' }, 'county'],
    [{ username: 'x2', role: 'county_manager', county: 'C99', password: 'abcdefgh12' }, 'county'],
    [{ username: 'x3', role: 'auditor', auditorLevel: 1, password: 'abcdefgh12' }, 'county'],
    [{ username: 'x4', role: 'auditor', password: 'abcdefgh12' }, 'auditorLevel'],
    [{ username: 'x5', role: 'leader', auditorLevel: 2, password: 'abcdefgh12' }, 'auditorLevel'],
    [{ username: 'x6', role: 'leader', county: 'C01', password: 'abcdefgh12' }, 'county'],
    [{ username: 'x7', role: 'leader', password: 'short1' }, 'password'],
    [{ username: 'x8', role: 'leader', password: 'onlyletterss' }, 'password'],
    [{ username: 'x9', role: 'leader', password: '1234567890' }, 'password'],
    [{ username: 'longname-1234', role: 'leader', password: 'longname-1234' }, 'password'],
  ])('refuses %j (field %s)', async (body, field) => {
    const res = await post('/api/users', body);
    expect(res.statusCode).toBe(422);
    expect(res.json().details.field).toBe(field);
    expect(res.json().message_zh).toBeTruthy();
  });

  it('accepts 14+ characters of anything, and a level-2 auditor without a county', async () => {
    expect(
      (await post('/api/users', { username: 'y1', role: 'leader', password: 'aaaaaaaaaaaaaa' })).statusCode,
    ).toBe(201);
    const r = await post('/api/users', {
      username: 'aud2',
      role: 'auditor',
      auditorLevel: 2,
      password: 'abcdefgh12',
    });
    expect(r.json().user).toMatchObject({ role: 'auditor', auditorLevel: 2, county: null });
  });

  it('refuses a duplicate username with 409', async () => {
    const res = await post('/api/users', { username: 'mgr1', role: 'leader', password: 'abcdefgh12' });
    expect(res.statusCode).toBe(409);
  });

  it('changes the role with before/after in the audit trail; disables and enables', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/users', headers: admin.headers() })).json();
    const id = list.users.find((u: { username: string }) => u.username === 'mgr1').userId as number;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: admin.headers(),
      payload: { role: 'city_staff', county: null },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().user).toMatchObject({ role: 'city_staff', county: null });
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity_id', '=', 'mgr1')
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({ role: 'county_manager', county: 'C01' });
    expect(audit.after).toMatchObject({ role: 'city_staff', county: null });

    expect((await post(`/api/users/${id}/disable`)).json().user.disabled).toBe(true);
    expect((await post(`/api/users/${id}/enable`)).json().user.disabled).toBe(false);
  });

  it('reset-password sets must-change and ends the user’s sessions', async () => {
    await t.createUser({ username: 'zed', role: 'leader' });
    const zed = await t.login('zed');
    const id = (
      await t.database.db
        .selectFrom('users')
        .select('user_id')
        .where('username', '=', 'zed')
        .executeTakeFirstOrThrow()
    ).user_id;
    const res = await post(`/api/users/${id}/reset-password`, { password: 'another-pass-42' });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.mustChangePassword).toBe(true);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: zed.cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('refuses disabling oneself', async () => {
    const me = (
      await t.database.db
        .selectFrom('users')
        .select('user_id')
        .where('username', '=', 'root')
        .executeTakeFirstOrThrow()
    ).user_id;
    expect((await post(`/api/users/${me}/disable`)).statusCode).toBe(422);
  });
});

describe('ensureDemoUsers', () => {
  it('creates one user per role and county managers for existing counties, idempotently', async () => {
    const first = await ensureDemoUsers(t.database.db);
    expect(first.map((u) => u.username)).toEqual([
      'admin',
      'city',
      'leader',
      'support',
      'audit1',
      'audit2',
      'audit3',
      'c01',
      'c02',
    ]);
    expect(first.find((u) => u.username === 'audit1')).toEqual({
      username: 'audit1',
      role: 'auditor',
      county: 'C01',
    });
    const again = await ensureDemoUsers(t.database.db);
    expect(again).toEqual(first);
    const n = await t.database.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'username',
        'in',
        first.map((u) => u.username),
      )
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(9);
    const demoApp = await t.login('c02', 'marketops-demo');
    expect(demoApp.csrfToken).toBeTruthy();
  });
});

describe('marketops user (CLI)', () => {
  const cli = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      io: { out: (s) => void (out += s), err: (s) => void (err += s) },
      cwd: process.cwd(),
      config: t.config,
      database: t.database,
    });
    return { code, out, err };
  };

  it('adds, lists, resets, disables a user; usage errors exit 2, rule errors 1', async () => {
    const add = await cli([
      'user',
      'add',
      'cli1',
      '--role',
      'auditor',
      '--level',
      '1',
      '--county',
      'C02',
      '--name',
      '稽核甲',
      '--password',
      'cli-pass-123',
      '--as',
      'ops',
    ]);
    expect(add).toMatchObject({ code: 0, out: 'created user cli1 (auditor, C02)\n' });
    const list = await cli(['user', 'list', '--json']);
    expect(list.code).toBe(0);
    const users = JSON.parse(list.out) as {
      username: string;
      county: string | null;
      auditorLevel: number | null;
    }[];
    expect(users.find((u) => u.username === 'cli1')).toMatchObject({ county: 'C02', auditorLevel: 1 });

    const reset = await cli(['user', 'reset', 'cli1']);
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/^password of cli1 reset\nnew password: mo-\S+\n$/);

    expect((await cli(['user', 'disable', 'cli1'])).out).toBe('user cli1 disabled\n');
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('entity_id', '=', 'cli1')
      .orderBy('audit_id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'reset_password', 'disable']);
    expect(audit[0]?.actor).toBe('ops');

    expect((await cli(['user', 'add', 'cli2', '--role', 'boss'])).code).toBe(2);
    const bad = await cli(['user', 'add', 'cli3', '--role', 'county_manager', '--password', 'cli-pass-123']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('County managers and level-1 auditors need a county');
    expect((await cli(['user', 'disable', 'nobody'])).code).toBe(1);
  });
});
