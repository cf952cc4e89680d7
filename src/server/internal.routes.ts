import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './app.js';
import { runCli } from '../cli/main.js';

/**
 * The CLI hand-off: a marketops command started while this server owns the embedded data directory
 * sends its argv here with the lock's local token and runs in this process, on this database.
 */
export const internalRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.withTypeProvider<ZodTypeProvider>().post(
      '/api/internal/cli',
      {
        config: { permission: 'internal' },
        schema: { hide: true, body: z.object({ argv: z.array(z.string()), cwd: z.string() }) },
      },
      async (req) => {
        let stdout = '';
        let stderr = '';
        const exitCode = await runCli(req.body.argv, {
          io: { out: (s) => void (stdout += s), err: (s) => void (stderr += s) },
          cwd: req.body.cwd,
          config: deps.config,
          database: deps.database,
        });
        return { exitCode, stdout, stderr };
      },
    );
  };
