import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../server/app.js';
import { requireActor as actorOf } from '../../server/rbac.js';
import {
  createUser,
  listUsers,
  resetPassword,
  RoleSchema,
  setDisabled,
  updateUser,
} from './users.service.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const county = z.string().trim().min(1).max(20).nullable().optional();
const auditorLevel = z.number().int().min(1).max(3).nullable().optional();

/** User administration ('users:admin'): list, create, change, reset password, disable, enable. */
export const usersRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;
    const config = { permission: 'users:admin' } as const;

    app.get('/api/users', { config }, async (req) => ({ users: await listUsers(db, actorOf(req.actor)) }));

    app.post(
      '/api/users',
      {
        config,
        schema: {
          body: z.object({
            username: z.string().trim().min(1).max(64),
            displayName: z.string().trim().max(100).optional(),
            role: RoleSchema,
            county,
            auditorLevel,
            password: z.string().min(1).max(1000),
          }),
        },
      },
      async (req, reply) => {
        const user = await createUser(db, actorOf(req.actor), req.body);
        return reply.status(201).send({ user });
      },
    );

    app.patch(
      '/api/users/:id',
      {
        config,
        schema: {
          params: IdParams,
          body: z.object({
            displayName: z.string().trim().max(100).optional(),
            role: RoleSchema.optional(),
            county,
            auditorLevel,
            disabled: z.boolean().optional(),
          }),
        },
      },
      async (req) => ({ user: await updateUser(db, actorOf(req.actor), req.params.id, req.body) }),
    );

    app.post(
      '/api/users/:id/reset-password',
      { config, schema: { params: IdParams, body: z.object({ password: z.string().min(1).max(1000) }) } },
      async (req) => ({
        user: await resetPassword(db, actorOf(req.actor), req.params.id, req.body.password),
      }),
    );

    app.post('/api/users/:id/disable', { config, schema: { params: IdParams } }, async (req) => ({
      user: await setDisabled(db, actorOf(req.actor), req.params.id, true),
    }));

    app.post('/api/users/:id/enable', { config, schema: { params: IdParams } }, async (req) => ({
      user: await setDisabled(db, actorOf(req.actor), req.params.id, false),
    }));
  };
