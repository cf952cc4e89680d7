import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.js';

/**
 * Sets req.actor from the session cookie, when there is a valid one.
 * (Replaced by the full session implementation: argon2 users, CSRF, expiry.)
 */
export async function loadSessionActor(_deps: AppDeps, _req: FastifyRequest): Promise<void> {
  return;
}
