import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app.js';
import { recordAudit } from '../../modules/audit/audit.repository.js';
import { deleteUserSessions } from '../../modules/users/users.repository.js';
import { changeOwnPassword, currentSession, login } from './auth.service.js';
import { createLoginLimiter } from './login-limiter.js';
import { clearSessionCookie, deleteSession, requestSession, setSessionCookie } from './sessions.js';

/** Sign-in, the current session, sign-out (here and everywhere) and changing one's own password. */
export const authRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;
    const limiter = createLoginLimiter();
    // In demo mode nobody is held to a password change, so the page must not ask for one either.
    const shown = <T extends { user: { mustChangePassword: boolean } }>(v: T): T =>
      deps.config.demo ? { ...v, user: { ...v.user, mustChangePassword: false } } : v;

    app.post(
      '/api/auth/login',
      {
        config: { permission: 'public' },
        schema: {
          body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }),
        },
      },
      async (req, reply) => {
        const r = await login(db, limiter, deps.config, {
          username: req.body.username,
          password: req.body.password,
          ip: req.ip,
          userAgent: req.headers['user-agent'] ?? null,
        });
        setSessionCookie(req, reply, r.token);
        return shown({ user: r.user, csrfToken: r.csrfToken, permissions: r.permissions });
      },
    );

    app.get('/api/auth/me', { config: { permission: 'session' } }, async (req) =>
      shown(await currentSession(db, requestSession(req))),
    );

    app.post('/api/auth/logout', { config: { permission: 'session' } }, async (req, reply) => {
      const s = requestSession(req);
      if (s) {
        await deleteSession(db, s.sessionHash);
        await recordAudit(db, {
          actor: req.actor?.username ?? 'unknown',
          action: 'logout',
          entity: 'session',
          ip: req.ip,
        });
      }
      clearSessionCookie(req, reply);
      return { ok: true };
    });

    app.post('/api/auth/logout-all', { config: { permission: 'session' } }, async (req, reply) => {
      const s = requestSession(req);
      let ended = 0;
      if (s) {
        ended = await deleteUserSessions(db, s.userId);
        await recordAudit(db, {
          actor: req.actor?.username ?? 'unknown',
          action: 'logout_all',
          entity: 'session',
          detail: { sessionsEnded: ended },
          ip: req.ip,
        });
      }
      clearSessionCookie(req, reply);
      return { ok: true, sessionsEnded: ended };
    });

    app.post(
      '/api/auth/password',
      {
        config: { permission: 'session' },
        schema: {
          body: z.object({
            oldPassword: z.string().min(1).max(1000),
            newPassword: z.string().min(1).max(1000),
          }),
        },
      },
      async (req) =>
        shown(
          await changeOwnPassword(db, limiter, requestSession(req), {
            oldPassword: req.body.oldPassword,
            newPassword: req.body.newPassword,
            ip: req.ip,
          }),
        ),
    );
  };
