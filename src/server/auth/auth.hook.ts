import type { FastifyReply, FastifyRequest } from 'fastify';
import crypto from 'node:crypto';
import type { AppDeps } from '../app.js';
import { Forbidden, Unauthorized } from '../../core/errors.js';
import { can, systemActor } from '../rbac.js';
import { loadSessionActor } from './sessions.js';

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

/**
 * Resolves the actor of every request and enforces the route's declared permission. Local CLI
 * processes authenticate with the data-directory lock token (X-MarketOps-Token) and act as the user
 * they name (X-MarketOps-Actor).
 */
export const authHook = (deps: AppDeps) => async (req: FastifyRequest, _reply: FastifyReply) => {
  const permission = req.routeOptions.config?.permission;
  if (!req.url.startsWith('/api/') || permission === undefined) return;

  const token = req.headers['x-marketops-token'];
  if (typeof token === 'string' && deps.localToken && safeEqual(token, deps.localToken)) {
    const who = req.headers['x-marketops-actor'];
    req.actor = systemActor(typeof who === 'string' && who ? who : 'cli');
    return;
  }
  if (permission === 'internal') throw new Forbidden('需要本机命令行令牌', 'Local CLI token required');

  await loadSessionActor(deps, req);
  if (permission === 'public') return;
  if (!req.actor) throw new Unauthorized();
  if (!can(req.actor, permission)) {
    throw new Forbidden('您的角色无此权限', 'Your role does not allow this', { permission });
  }
};
