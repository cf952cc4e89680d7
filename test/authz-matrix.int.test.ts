import { afterAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createTestApp, type TestLogin } from './support/app.js';
import { buildApp } from '../src/server/app.js';
import { routePlugins } from '../src/server/routes.js';
import { PERMISSIONS, ROLE_PERMISSIONS, type Permission } from '../src/server/rbac.js';
import type { Role } from '../src/db/schema.js';

/**
 * The authorization matrix: every /api route of the full app (collected from the route table as
 * buildApp registers it, so a route added by any module later is covered automatically) × every role
 * × own / other county.
 */
type CollectedRoute = { method: string | string[]; url: string; config?: unknown; schema?: unknown };
const collected = vi.hoisted(() => [] as CollectedRoute[]);

vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  // the factory's overloads do not survive Parameters<>; it is called exactly as buildApp called it
  const factory = mod.default as unknown as (...args: unknown[]) => FastifyInstance;
  const wrapped = (...args: unknown[]) => {
    const app = factory(...args);
    app.addHook('onRoute', (r) => {
      collected.push({ method: r.method, url: r.url, config: r.config, schema: r.schema });
    });
    return app;
  };
  return { ...mod, default: wrapped, fastify: wrapped };
});

type Route = { method: string; url: string; permission: Permission; querystring: unknown };

/**
 * Resources of another county (C02) and of the signed-in county user's own county (C01), for routes
 * whose path names one. Modules adding county-owned resources add their route here.
 */
const COUNTY_RESOURCES: Record<string, { own: Record<string, string>; other: Record<string, string> }> = {
  '/api/subscribers/:id': { own: { id: 'S1' }, other: { id: 'S2' } },
  '/api/subscribers/:id/reveal': { own: { id: 'S1' }, other: { id: 'S2' } },
};

/**
 * Valid parameters for routes that take a `county` filter but need more than it to answer: with a
 * probe the matrix insists on 403 for another county (and no 403 for the own county), including
 * every export format listed. Without one it accepts 403 or 422 (refused either way).
 */
const SCOPE_PROBES: Record<string, { params?: Record<string, string>; queries: string[] }> = {
  '/api/subscribers': { queries: ['q=', 'q=S2'] },
  '/api/metrics/:id': {
    params: { id: 'active_subscribers' },
    queries: ['at=2026-01-31', 'at=2026-01-31&format=csv', 'at=2026-01-31&format=xlsx'],
  },
  '/api/metrics/:id/drill': {
    params: { id: 'active_subscribers' },
    queries: ['at=2026-01-31', 'at=2026-01-31&format=csv'],
  },
};

type Who = { key: string; role: Role; county: string | null; auditorLevel: number | null };
const PEOPLE: Who[] = [
  { key: 'admin', role: 'admin', county: null, auditorLevel: null },
  { key: 'city_staff', role: 'city_staff', county: null, auditorLevel: null },
  { key: 'county_manager', role: 'county_manager', county: 'C01', auditorLevel: null },
  { key: 'auditor1', role: 'auditor', county: 'C01', auditorLevel: 1 },
  { key: 'auditor2', role: 'auditor', county: null, auditorLevel: 2 },
  { key: 'auditor3', role: 'auditor', county: null, auditorLevel: 3 },
  { key: 'support_centre', role: 'support_centre', county: null, auditorLevel: null },
  { key: 'leader', role: 'leader', county: null, auditorLevel: null },
];
const countyBound = PEOPLE.filter((p) => p.county !== null);

const t = await createTestApp({ counties: true });
afterAll(async () => t.dispose());

const db = t.database.db;
await db
  .insertInto('products')
  .values({ product_code: 'P1', product_name: '宽带', needs_terminal: false, needs_deposit: false })
  .execute();
await db
  .insertInto('packages')
  .values({
    package_code: 'K1',
    package_name: '宽带',
    product_code: 'P1',
    monthly_fee: 5000,
    billing: 'monthly',
    term_months: null,
  })
  .execute();
for (const [id, county] of [
  ['S1', 'C01'],
  ['S2', 'C02'],
] as const) {
  await db
    .insertInto('subscribers')
    .values({
      subscriber_id: id,
      account_id: `A-${id}`,
      customer_name: '测试用户',
      id_number: null,
      phone: null,
      county_code: county,
      outlet_code: null,
      product_code: 'P1',
      package_code: 'K1',
      install_date: '2026-01-01',
      status: 'normal',
      disconnect_date: null,
      terminal_sn: null,
    })
    .execute();
}

const sessions = new Map<string, TestLogin>();
for (const p of PEOPLE) {
  await t.createUser({ username: p.key, role: p.role, county: p.county, auditorLevel: p.auditorLevel });
  sessions.set(p.key, await t.login(p.key));
}
const session = (key: string): TestLogin => {
  const s = sessions.get(key);
  if (!s) throw new Error(`no session for ${key}`);
  return s;
};

const routes: Route[] = [];
const seen = new Set<string>();
for (const r of collected) {
  if (!r.url.startsWith('/api/')) continue;
  const permission = (r.config as { permission?: Permission } | undefined)?.permission;
  const querystring = (r.schema as { querystring?: unknown } | undefined)?.querystring;
  for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
    if (method === 'HEAD' || seen.has(`${method} ${r.url}`)) continue;
    seen.add(`${method} ${r.url}`);
    // a route without a permission would have failed buildApp; keep the type honest anyway
    routes.push({ method, url: r.url, permission: permission ?? ('none' as Permission), querystring });
  }
}

/** Fill path parameters with a harmless value (the hook decides before any validation). */
const fill = (url: string, params: Record<string, string> = {}) =>
  url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? 'x0'));

const takesCounty = (qs: unknown): boolean => qs instanceof z.ZodObject && 'county' in qs.shape;

const call = (method: string, url: string, who?: TestLogin) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: who ? who.headers() : {},
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
  });

const isPermissionRefusal = (status: number, body: string) => {
  if (status !== 403) return false;
  const b = JSON.parse(body) as { error?: string; details?: { permission?: string } };
  return b.error === 'forbidden' && b.details?.permission !== undefined;
};

describe('route table', () => {
  it('holds the known routes, every one with a declared permission', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    for (const k of [
      'POST /api/auth/login',
      'GET /api/auth/me',
      'GET /api/users',
      'POST /api/users',
      'GET /api/audit',
      'GET /api/subscribers/:id',
      'POST /api/subscribers/:id/reveal',
    ]) {
      expect(keys).toContain(k);
    }
    for (const r of routes) expect(PERMISSIONS).toContain(r.permission);
  });

  it('buildApp refuses to start with an /api route that declares no permission', async () => {
    const bad: (deps: unknown) => FastifyPluginAsync = () => async (app) => {
      app.get('/api/undeclared', async () => ({ ok: true }));
    };
    routePlugins.push(bad);
    try {
      await expect(
        buildApp({
          database: t.database,
          config: t.config,
          version: 'test',
          pendingMigrations: 0,
          logger: false,
        }),
      ).rejects.toThrow(/GET \/api\/undeclared declares no permission/);
    } finally {
      routePlugins.pop();
    }
  });

  it('the leader holds no write permission', () => {
    const writes: Permission[] = ROLE_PERMISSIONS.admin.filter((p) => !/:read$|^session$/.test(p));
    for (const p of writes) expect(ROLE_PERMISSIONS.leader).not.toContain(p);
  });
});

describe.each(routes)('$method $url ($permission)', (route) => {
  it('without a session: 401 (public routes excepted)', async () => {
    if (route.permission === 'public') return;
    const res = await call(route.method, fill(route.url));
    expect(res.statusCode).toBe(route.permission === 'internal' ? 403 : 401);
  });

  it.each(PEOPLE)('$key: 403 without the permission, admitted with it', async (p) => {
    const has = route.permission === 'public' || ROLE_PERMISSIONS[p.role].includes(route.permission);
    if (!has) {
      const res = await call(route.method, fill(route.url), session(p.key));
      expect(res.statusCode).toBe(403);
      expect(isPermissionRefusal(res.statusCode, res.body) || route.permission === 'internal').toBe(true);
      return;
    }
    // only reads are called for permitted roles: a write would change the state the matrix relies on
    if (route.method !== 'GET') return;
    const res = await call(route.method, fill(route.url), session(p.key));
    expect(res.statusCode).not.toBe(401);
    expect(isPermissionRefusal(res.statusCode, res.body)).toBe(false);
  });

  const resource = COUNTY_RESOURCES[route.url];
  if (resource) {
    it.each(countyBound)('$key: another county’s resource is 403, its own is not', async (p) => {
      if (!ROLE_PERMISSIONS[p.role].includes(route.permission)) return;
      const other = await call(route.method, fill(route.url, resource.other), session(p.key));
      expect(other.statusCode).toBe(403);
      const own = await call(route.method, fill(route.url, resource.own), session(p.key));
      expect(own.statusCode).not.toBe(403);
    });
  }

  if (route.method === 'GET' && takesCounty(route.querystring)) {
    const probe = SCOPE_PROBES[route.url];
    it.each(countyBound)('$key: ?county=C02 is refused (403), never answered', async (p) => {
      if (!ROLE_PERMISSIONS[p.role].includes(route.permission)) return;
      if (!probe) {
        const res = await call('GET', `${fill(route.url)}?county=C02`, session(p.key));
        // 422: the route needs parameters the matrix cannot guess (add a probe) — nothing is answered either
        expect([403, 422]).toContain(res.statusCode);
        return;
      }
      for (const q of probe.queries) {
        const other = await call('GET', `${fill(route.url, probe.params)}?${q}&county=C02`, session(p.key));
        expect(other.statusCode, `${q}&county=C02`).toBe(403);
        expect(JSON.parse(other.body).message_en).toContain('county');
        const own = await call('GET', `${fill(route.url, probe.params)}?${q}&county=C01`, session(p.key));
        expect(own.statusCode, `${q}&county=C01`).toBe(200);
      }
    });
  }
});
