import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../server/app.js';
import { requireActor } from '../../server/rbac.js';
import { todayShanghai } from '../../core/dates.js';
import { getSubscriberDetail, revealSubscriber, searchSubscribers } from './subscribers.service.js';

const IdParams = z.object({ id: z.string().trim().min(1).max(64) });

/** Subscriber lookup (用户查询): search, one-screen detail, per-record reveal of personal data. */
export const subscribersRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/subscribers',
      {
        config: { permission: 'data:read' },
        schema: {
          querystring: z.object({
            q: z.string().max(100).default(''),
            county: z.string().trim().min(1).max(20).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(20),
          }),
        },
      },
      async (req) => searchSubscribers(db, requireActor(req.actor), req.query),
    );

    app.get(
      '/api/subscribers/:id',
      {
        config: { permission: 'data:read' },
        schema: {
          params: IdParams,
          // the arrears cutoff; default today (Asia/Shanghai)
          querystring: z.object({ at: z.iso.date().optional() }),
        },
      },
      async (req) =>
        getSubscriberDetail(db, requireActor(req.actor), req.params.id, req.query.at ?? todayShanghai()),
    );

    app.post(
      '/api/subscribers/:id/reveal',
      { config: { permission: 'pii:reveal' }, schema: { params: IdParams } },
      async (req) => revealSubscriber(db, requireActor(req.actor), req.params.id, req.ip),
    );
  };
