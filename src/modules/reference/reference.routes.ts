import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../server/app.js';
import { scopedCounty } from '../../server/rbac.js';
import { loadReference } from './reference.repository.js';

/** GET /api/reference: the reference lists the UI offers as cuts and filters, within the actor's scope. */
export const referenceRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.get('/api/reference', { config: { permission: 'metrics:read' } }, async (req) => {
      if (!req.actor) throw new Error('no actor past the auth hook');
      const county = scopedCounty(req.actor, null);
      const ref = await loadReference(deps.database.db);
      const inScope = (c: string | null) => county === null || c === county;
      return {
        counties: ref.counties
          .filter((c) => inScope(c.code))
          .map(({ code, name, households }) => ({ code, name, households })),
        products: ref.products.map(({ code, name }) => ({ code, name })),
        outlets: ref.outlets.filter((o) => inScope(o.county)),
        warehouses: ref.warehouses.filter((w) => inScope(w.county)),
        items: ref.items,
      };
    });
  };
