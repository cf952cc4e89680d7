import type { FastifyReply, FastifyRequest } from 'fastify';
import crypto from 'node:crypto';
import type { AppDeps } from '../app.js';
import { AppError, Forbidden, Unauthorized } from '../../core/errors.js';
import { can, systemActor } from '../rbac.js';
import { loadSessionActor, requestSession } from './sessions.js';

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

export class PasswordChangeRequired extends AppError {
  readonly code = 'password_change_required';
  readonly status = 403;
  constructor() {
    super('请先修改初始密码', 'You must change your password first');
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Sign-in creates the session, so it cannot carry the session's token yet. */
const CSRF_EXEMPT = new Set(['/api/auth/login']);
/** What a user who must change their password can still do. */
const PASSWORD_CHANGE_ALLOWED = new Set([
  '/api/auth/me',
  '/api/auth/password',
  '/api/auth/logout',
  '/api/auth/logout-all',
]);

/**
 * Resolves the actor of every request and enforces the route's declared permission. Local CLI
 * processes authenticate with the data-directory lock token (X-MarketOps-Token) and act as the user
 * they name (X-MarketOps-Actor). Browser sessions: cookie → actor, then CSRF on state-changing
 * requests, then the forced password change (outside demo mode), then the permission.
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

  const { presented } = await loadSessionActor(deps, req);
  const session = requestSession(req);
  const route = req.routeOptions.url ?? '';

  if (session && STATE_CHANGING.has(req.method) && !CSRF_EXEMPT.has(route)) {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
      throw new Forbidden(
        '请求缺少有效的 CSRF 令牌，请刷新页面后重试',
        'Missing or invalid CSRF token; reload the page and retry',
        {
          reason: 'csrf',
        },
      );
    }
  }
  if (permission === 'public') return;
  if (!req.actor) {
    if (presented)
      throw new Unauthorized('登录已过期，请重新登录', 'Your session has expired; please sign in again');
    throw new Unauthorized();
  }
  if (session?.mustChangePassword && !deps.config.demo && !PASSWORD_CHANGE_ALLOWED.has(route)) {
    throw new PasswordChangeRequired();
  }
  if (!can(req.actor, permission)) {
    throw new Forbidden('您的角色无此权限', 'Your role does not allow this', { permission });
  }
};
