import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './app.js';

/** Answered from the process's own state: never waits behind a long query on the embedded database. */
export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.get('/api/health', { config: { permission: 'public' } }, async () => {
      const st = deps.database.state();
      return {
        status: deps.pendingMigrations === 0 ? 'ok' : 'degraded',
        version: deps.version,
        database: {
          engine: st.engine,
          state: st.busy ? 'busy' : 'idle',
          busy_ms: st.busyMs,
          queued: st.queued,
        },
        migrations: { current: deps.pendingMigrations === 0, pending: deps.pendingMigrations },
      };
    });
  };
