import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../../test/support/app.js';
import { hashToken } from './sessions.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ counties: true });
  await t.createUser({ username: 'alice', role: 'admin' });
  await t.createUser({ username: 'bob', role: 'county_manager', county: 'C01' });
  await t.createUser({ username: 'dora', role: 'leader', disabled: true });
  await t.createUser({ username: 'fresh', role: 'city_staff', mustChangePassword: true });
});
afterAll(async () => t.dispose());

const loginReq = (username: string, password: string, remoteAddress = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

describe('sign-in', () => {
  it('sets an httpOnly SameSite=Lax session cookie and returns the user, csrf token and permissions', async () => {
    const res = await loginReq('bob', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'mo_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeUndefined();
    const body = res.json();
    expect(body.user).toEqual({
      username: 'bob',
      role: 'county_manager',
      county: 'C01',
      auditorLevel: null,
      displayName: 'bob',
      mustChangePassword: false,
    });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(body.permissions).toContain('data:read');
    expect(body.permissions).not.toContain('users:admin');
    // only the hash of the token is stored
    const stored = await t.database.db.selectFrom('sessions').select('session_hash').execute();
    expect(stored.map((s) => s.session_hash)).toContain(hashToken(cookie?.value ?? ''));
    expect(stored.map((s) => s.session_hash)).not.toContain(cookie?.value);
  });

  it('marks the cookie Secure behind a TLS proxy', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'bob', password: TEST_PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.cookies.find((c) => c.name === 'mo_session')?.secure).toBe(true);
  });

  it('refuses a wrong password with a bilingual 401 and audits both outcomes without the password', async () => {
    const res = await loginReq('bob', 'wrong-password-9', '10.0.0.9');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'unauthorized', message_zh: '用户名或密码错误' });
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'detail', 'ip'])
      .where('actor', '=', 'bob')
      .where('action', 'in', ['login', 'login_failed'])
      .execute();
    expect(rows.filter((r) => r.action === 'login').length).toBeGreaterThanOrEqual(1);
    expect(rows.find((r) => r.action === 'login_failed')).toMatchObject({
      detail: { reason: 'wrong_password' },
      ip: '10.0.0.9',
    });
    expect(JSON.stringify(rows)).not.toContain('wrong-password-9');
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
  });

  it('refuses a disabled user', async () => {
    const res = await loginReq('dora', TEST_PASSWORD);
    expect(res.statusCode).toBe(401);
    expect(res.json().message_en).toContain('disabled');
  });
});

describe('sign-in rate limit', () => {
  it('blocks the 11th failure for one username+address, not the same user from another address', async () => {
    for (let i = 0; i < 10; i++)
      expect((await loginReq('alice', 'nope-nope-1', '10.1.1.1')).statusCode).toBe(401);
    const blocked = await loginReq('alice', TEST_PASSWORD, '10.1.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ error: 'rate_limited' });
    expect(blocked.json().message_zh).toContain('登录失败次数过多');
    expect((await loginReq('alice', TEST_PASSWORD, '10.1.1.2')).statusCode).toBe(200);
  });

  it('lets 17 different users sign in from one address', async () => {
    for (let i = 1; i <= 17; i++) await t.createUser({ username: `u${i}`, role: 'leader' });
    for (let i = 1; i <= 17; i++)
      expect((await loginReq(`u${i}`, TEST_PASSWORD, '10.2.2.2')).statusCode).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request without or with a wrong token, accepts the right one', async () => {
    const s = await t.login('bob');
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: s.cookie },
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ error: 'forbidden', details: { reason: 'csrf' } });
    expect(missing.json().message_zh).toContain('CSRF');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(32) },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers() });
    expect(ok.statusCode).toBe(200);
    // the session is gone
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('GET needs no token', async () => {
    const s = await t.login('bob');
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'bob' }, csrfToken: s.csrfToken });
  });
});

describe('sessions', () => {
  it('expires: an expired session answers 401 with an expiry message', async () => {
    const s = await t.login('bob');
    const hash = hashToken(s.cookie.replace('mo_session=', ''));
    await t.database.db
      .updateTable('sessions')
      .set({ expires_at: sql<string>`now() - interval '1 minute'` })
      .where('session_hash', '=', hash)
      .execute();
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(401);
    expect(res.json().message_en).toContain('expired');
  });

  it('lasts config.sessionHours from sign-in', async () => {
    const s = await t.login('bob');
    const hash = hashToken(s.cookie.replace('mo_session=', ''));
    const r = await sql<{ hours: number }>`
      select round(extract(epoch from expires_at - created_at) / 3600)::int as hours
      from sessions where session_hash = ${hash}`.execute(t.database.db);
    expect(r.rows[0]?.hours).toBe(12);
  });

  it('sign-out everywhere ends every session of the user, not others', async () => {
    const a = await t.login('bob');
    const b = await t.login('bob');
    const other = await t.login('alice');
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: a.headers() });
    expect(res.statusCode).toBe(200);
    for (const s of [a, b]) {
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } }))
          .statusCode,
      ).toBe(401);
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: other.cookie } }))
        .statusCode,
    ).toBe(200);
  });

  it('a user disabled while signed in is refused at once', async () => {
    await t.createUser({ username: 'eve', role: 'city_staff' });
    const s = await t.login('eve');
    await t.database.db.updateTable('users').set({ disabled: true }).where('username', '=', 'eve').execute();
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
  });

  it('answers 401 without a session and 403 for a role without the permission', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);
    const s = await t.login('bob');
    const res = await t.app.inject({ method: 'GET', url: '/api/users', headers: s.headers() });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'forbidden', message_zh: '您的角色无此权限' });
  });
});

describe('forced password change (not demo mode)', () => {
  it('blocks other APIs until the password is changed, then lets them through', async () => {
    const s = await t.login('fresh');
    const blocked = await t.app.inject({ method: 'GET', url: '/api/subscribers', headers: s.headers() });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ error: 'password_change_required' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: s.headers() })).statusCode,
    ).toBe(200);

    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: s.headers(),
      payload: { oldPassword: TEST_PASSWORD, newPassword: 'short1' },
    });
    expect(weak.statusCode).toBe(422);
    const wrongOld = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: s.headers(),
      payload: { oldPassword: 'not-it-at-all-1', newPassword: 'brand-new-pass-7' },
    });
    expect(wrongOld.statusCode).toBe(422);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: s.headers(),
      payload: { oldPassword: TEST_PASSWORD, newPassword: 'brand-new-pass-7' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().user.mustChangePassword).toBe(false);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/subscribers', headers: s.headers() })).statusCode,
    ).toBe(200);
    expect((await loginReq('fresh', 'brand-new-pass-7', '10.3.3.3')).statusCode).toBe(200);
  });
});

describe('demo mode', () => {
  it('does not force the change of the demo password', async () => {
    const demo = await createTestApp({ counties: true, config: { demo: true } });
    try {
      await demo.createUser({
        username: 'city',
        role: 'city_staff',
        password: 'marketops-demo',
        mustChangePassword: true,
      });
      const s = await demo.login('city', 'marketops-demo');
      const res = await demo.app.inject({ method: 'GET', url: '/api/subscribers', headers: s.headers() });
      expect(res.statusCode).toBe(200);
    } finally {
      await demo.dispose();
    }
  });
});
