import type { FastifyInstance } from 'fastify';
import { hashSync } from '@node-rs/argon2';
import { buildApp } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Role } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/** The password createUser gives when none is named (satisfies the policy). */
export const TEST_PASSWORD = 'test-password-1';

// argon2 takes ~50 ms: hash the default password once per test file
let defaultHash: string | undefined;
const hashFor = (password: string) =>
  password === TEST_PASSWORD ? (defaultHash ??= hashSync(TEST_PASSWORD)) : hashSync(password);

export type TestLogin = {
  cookie: string;
  csrfToken: string;
  /** cookie + X-CSRF-Token, ready for app.inject({ headers }) */
  headers(): Record<string, string>;
};

export type TestUserInput = {
  username: string;
  role: Role;
  county?: string | null;
  auditorLevel?: number | null;
  password?: string;
  displayName?: string;
  mustChangePassword?: boolean;
  disabled?: boolean;
};

export type TestApp = {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  dispose(): Promise<void>;
  /** Sign in through the real API; throws when the sign-in is refused. */
  login(username: string, password?: string): Promise<TestLogin>;
  /** Insert a user directly (no audit, no policy): for arranging tests. Returns its user_id. */
  createUser(u: TestUserInput): Promise<number>;
};

export type TestAppOptions = {
  /** Seed counties C01 and C02 (true) or the given codes. */
  counties?: boolean | string[];
  config?: Partial<Config>;
};

/** A full app (every route plugin) on a fresh test database; call dispose() in afterAll. */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: Config = { ...loadConfig({ LOG_LEVEL: 'silent' }, process.cwd()), ...opts.config };
  const codes = opts.counties === true ? ['C01', 'C02'] : Array.isArray(opts.counties) ? opts.counties : [];
  if (codes.length > 0) {
    await database.db
      .insertInto('counties')
      .values(codes.map((c) => ({ county_code: c, county_name: `县区${c}` })))
      .onConflict((oc) => oc.column('county_code').doNothing())
      .execute();
  }
  const app = await buildApp({ database, config, version: 'test', pendingMigrations: 0, logger: false });
  await app.ready();

  return {
    app,
    database,
    config,
    async dispose() {
      await app.close();
      await database.dispose();
    },
    async login(username, password = TEST_PASSWORD) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const set = res.cookies.find((c) => c.name === 'mo_session');
      if (!set) throw new Error('login set no mo_session cookie');
      const cookie = `mo_session=${set.value}`;
      const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
      return { cookie, csrfToken, headers: () => ({ cookie, 'x-csrf-token': csrfToken }) };
    },
    async createUser(u) {
      const row = await database.db
        .insertInto('users')
        .values({
          username: u.username,
          display_name: u.displayName ?? u.username,
          password_hash: hashFor(u.password ?? TEST_PASSWORD),
          role: u.role,
          auditor_level: u.role === 'auditor' ? (u.auditorLevel ?? 3) : null,
          county_code: u.county ?? null,
          must_change_password: u.mustChangePassword ?? false,
          disabled: u.disabled ?? false,
        })
        .returning('user_id')
        .executeTakeFirstOrThrow();
      return row.user_id;
    },
  };
}
