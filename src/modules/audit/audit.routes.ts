import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../server/app.js';
import { requireActor } from '../../server/rbac.js';
import { listAudit } from './audit.repository.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/**
 * The audit trail viewer ('audit:read': admins and auditors). Auditors of level 1 are county-bound:
 * they see only entries recorded for their county (sign-ins and user administration carry no county
 * and stay with the city-wide readers).
 */
export const auditRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/audit',
      {
        config: { permission: 'audit:read' },
        schema: {
          querystring: z.object({
            actor: z.string().trim().min(1).optional(),
            action: z.string().trim().min(1).optional(),
            entity: z.string().trim().min(1).optional(),
            entityId: z.string().trim().min(1).optional(),
            from: isoDate.optional(),
            to: isoDate.optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(500).default(50),
          }),
        },
      },
      async (req) => {
        const actor = requireActor(req.actor);
        const r = await listAudit(deps.database.db, { ...req.query, county: actor.countyScope });
        return { page: req.query.page, pageSize: req.query.pageSize, total: r.total, rows: r.rows };
      },
    );
  };
