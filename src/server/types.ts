import type { Actor, Permission } from './rbac.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api route. */
    permission?: Permission;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** Set by the auth hook; the handler's actor (never null past the hook unless permission is 'public'). */
    sessionHash?: string;
  }
}

export {};
