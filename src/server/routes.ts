import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './app.js';
import { healthRoutes } from './health.routes.js';
import { internalRoutes } from './internal.routes.js';

/** Every route plugin of the app, in one list. A module adds its plugin here. */
export const routePlugins: ((deps: AppDeps) => FastifyPluginAsync)[] = [healthRoutes, internalRoutes];
