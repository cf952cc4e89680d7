import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/db.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/config.js';

describe('server', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await createTestDatabase();
    app = await buildApp({
      database: t,
      config: loadConfig({}),
      version: 'test',
      pendingMigrations: 0,
      logger: false,
      localToken: 'tok',
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('reports health: engine, migrations, version', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      version: 'test',
      database: { engine: testEngine(), state: 'idle' },
      migrations: { current: true, pending: 0 },
    });
  });

  it('answers /api/health within 1 s while a 10-second query runs', async () => {
    const slow = sql`select pg_sleep(10)`.execute(t.db);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    const ms = Date.now() - t0;
    expect(res.statusCode).toBe(200);
    expect(ms).toBeLessThan(1000);
    expect(res.json().database.state).toBe('busy');
    await slow;
  }, 30_000);

  it('refuses the CLI hand-off without the local token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/internal/cli',
      payload: { argv: ['db', 'status'], cwd: '/' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'forbidden' });
  });

  it('runs a handed-off CLI command on its own database with the token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/internal/cli',
      headers: { 'x-marketops-token': 'tok' },
      payload: { argv: ['db', 'status', '--json'], cwd: '/' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.exitCode).toBe(0);
    expect(JSON.parse(body.stdout)).toMatchObject({ engine: testEngine() });
  });

  it('answers unknown API paths with a bilingual 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ message_zh: '未找到', message_en: 'Not found' });
  });

  it('refuses to build with an /api route that declares no permission', async () => {
    const { routePlugins } = await import('../../src/server/routes.js');
    routePlugins.push(() => async (a) => {
      a.get('/api/undeclared', async () => ({}));
    });
    try {
      await expect(
        buildApp({
          database: t,
          config: loadConfig({}),
          version: 'test',
          pendingMigrations: 0,
          logger: false,
        }),
      ).rejects.toThrow(/declares no permission/);
    } finally {
      routePlugins.pop();
    }
  });
});
