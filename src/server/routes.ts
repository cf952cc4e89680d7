import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './app.js';
import { healthRoutes } from './health.routes.js';
import { internalRoutes } from './internal.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { usersRoutes } from '../modules/users/users.routes.js';
import { auditRoutes } from '../modules/audit/audit.routes.js';
import { subscribersRoutes } from '../modules/subscribers/subscribers.routes.js';
import { metricsRoutes } from '../metrics/metrics.routes.js';
import { referenceRoutes } from '../modules/reference/reference.routes.js';
import { importsRoutes } from '../modules/imports/imports.routes.js';
import { plansRoutes } from '../modules/plans/plans.routes.js';
import { collectionsRoutes } from '../modules/collections/collections.routes.js';
import { followupRoutes } from '../modules/followup/followup.routes.js';

/** Every route plugin of the app, in one list. A module adds its plugin here. */
export const routePlugins: ((deps: AppDeps) => FastifyPluginAsync)[] = [
  healthRoutes,
  internalRoutes,
  authRoutes,
  usersRoutes,
  auditRoutes,
  subscribersRoutes,
  metricsRoutes,
  referenceRoutes,
  importsRoutes,
  plansRoutes,
  collectionsRoutes,
  followupRoutes,
];
