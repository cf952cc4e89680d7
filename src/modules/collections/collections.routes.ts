import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../server/app.js';
import { assertCan, type Actor } from '../../server/rbac.js';
import { todayShanghai } from '../../core/dates.js';
import { recordAudit } from '../audit/audit.repository.js';
import { collectionCurve, collectionsOverview, owingSubscribers } from './collections.service.js';
import { arrearsOverview, setArrearsTarget } from './arrears.service.js';
import { adjustmentLimitStatus, listAdjustments, setAdjustmentLimits } from './limits.service.js';
import { ladderFlows, longDualStops, stateDurations } from './stop-ladder.service.js';
import {
  collectionsSettingsSchema,
  getCollectionsSettings,
  updateCollectionsSettings,
} from './collections.settings.js';
import {
  bulletinHtml,
  bulletinXlsx,
  generateBulletin,
  getBulletin,
  listBulletins,
} from './bulletin.service.js';

const actorOf = (req: FastifyRequest): Actor => {
  if (!req.actor) throw new Error('no actor past the auth hook');
  return req.actor;
};
const read = { config: { permission: 'collections:read' as const } };
const write = { config: { permission: 'collections:write' as const } };
const County = z.string().optional();
const Id = z.object({ id: z.coerce.number().int().positive() });

/** /api/collections: collection rates and curve, arrears, adjustment limits, stop ladder, bulletins. */
export const collectionsRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const db = deps.database.db;
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/collections/overview',
      {
        ...read,
        schema: {
          querystring: z.object({ month: z.string(), county: County, cutoff: z.string().optional() }),
        },
      },
      async (req) => collectionsOverview(db, actorOf(req), req.query),
    );
    r.get(
      '/api/collections/curve',
      { ...read, schema: { querystring: z.object({ month: z.string(), county: County }) } },
      async (req) => collectionCurve(db, actorOf(req), req.query),
    );
    r.get(
      '/api/collections/owing',
      {
        ...read,
        schema: {
          querystring: z.object({
            month: z.string().optional(),
            cutoff: z.string().optional(),
            county: County,
            limit: z.coerce.number().int().min(1).max(1000).optional(),
          }),
        },
      },
      async (req) => ({
        rows: await owingSubscribers(db, actorOf(req), {
          ...req.query,
          cutoff: req.query.cutoff ?? todayShanghai(),
        }),
      }),
    );
    r.get(
      '/api/collections/arrears',
      { ...read, schema: { querystring: z.object({ at: z.string().optional(), county: County }) } },
      async (req) => arrearsOverview(db, actorOf(req), req.query),
    );
    r.put(
      '/api/collections/arrears/targets',
      {
        ...write,
        schema: {
          body: z.object({
            year: z.number().int(),
            county: z.string().nullable(),
            baseline_date: z.string(),
            amount: z.number().int(),
          }),
        },
      },
      async (req) => {
        await setArrearsTarget(db, actorOf(req), req.body);
        return { ok: true };
      },
    );
    r.get(
      '/api/collections/limits',
      { ...read, schema: { querystring: z.object({ from: z.string(), to: z.string(), county: County }) } },
      async (req) => adjustmentLimitStatus(db, actorOf(req), req.query),
    );
    r.put(
      '/api/collections/limits',
      {
        ...write,
        schema: {
          body: z.object({
            months: z.array(z.string()).min(1).max(36),
            county: z.string().nullable(),
            amount: z.number().int(),
          }),
        },
      },
      async (req) => {
        await setAdjustmentLimits(db, actorOf(req), req.body);
        return { ok: true };
      },
    );
    r.get(
      '/api/collections/adjustments',
      { ...read, schema: { querystring: z.object({ month: z.string(), county: County }) } },
      async (req) => ({ rows: await listAdjustments(db, actorOf(req), req.query) }),
    );
    r.get(
      '/api/collections/ladder',
      { ...read, schema: { querystring: z.object({ from: z.string(), to: z.string(), county: County }) } },
      async (req) => ladderFlows(db, actorOf(req), req.query),
    );
    r.get(
      '/api/collections/ladder/durations',
      { ...read, schema: { querystring: z.object({ at: z.string().optional(), county: County }) } },
      async (req) => stateDurations(db, actorOf(req), req.query),
    );
    r.get(
      '/api/collections/ladder/long-dual-stops',
      {
        ...read,
        schema: {
          querystring: z.object({
            at: z.string().optional(),
            county: County,
            days: z.coerce.number().int().min(1).optional(),
          }),
        },
      },
      async (req) => longDualStops(db, actorOf(req), req.query),
    );
    r.get('/api/collections/settings', read, async () => getCollectionsSettings(db));
    r.put(
      '/api/collections/settings',
      { config: { permission: 'settings:write' }, schema: { body: collectionsSettingsSchema.partial() } },
      async (req) => {
        const actor = actorOf(req);
        assertCan(actor, 'settings:write');
        return db.transaction().execute((trx) => updateCollectionsSettings(trx, actor.username, req.body));
      },
    );
    r.get('/api/collections/bulletins', read, async () => ({ bulletins: await listBulletins(db) }));
    r.post(
      '/api/collections/bulletins',
      { ...read, schema: { body: z.object({ kind: z.enum(['week', 'month']), period: z.string() }) } },
      async (req) => generateBulletin(db, actorOf(req), req.body.kind, req.body.period),
    );
    r.get('/api/collections/bulletins/:id', { ...read, schema: { params: Id } }, async (req) =>
      getBulletin(db, actorOf(req), req.params.id),
    );
    r.get('/api/collections/bulletins/:id/xlsx', { ...read, schema: { params: Id } }, async (req, reply) => {
      const actor = actorOf(req);
      const b = await getBulletin(db, actor, req.params.id);
      await recordAudit(db, {
        actor: actor.username,
        action: 'export',
        entity: 'collection_bulletin',
        entityId: b.bulletin_id,
        ip: req.ip,
      });
      reply.header('content-disposition', `attachment; filename="bulletin-${b.period.key}.xlsx"`);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(await bulletinXlsx(b));
    });
    r.get('/api/collections/bulletins/:id/html', { ...read, schema: { params: Id } }, async (req, reply) => {
      const b = await getBulletin(db, actorOf(req), req.params.id);
      return reply.type('text/html; charset=utf-8').send(bulletinHtml(b));
    });
  };
