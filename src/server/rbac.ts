import type { Role } from '../db/schema.js';
import { Forbidden, Unauthorized } from '../core/errors.js';

/**
 * Every API route declares one permission in its route config (`config: { permission }`); the auth
 * hook refuses a request whose actor lacks it, and buildApp refuses to start with an /api route that
 * declares none. 'public' routes need no session (sign-in, health).
 */
export const PERMISSIONS = [
  'public',
  'session', // any signed-in user
  'metrics:read',
  'data:read', // subscriber lookup, drill-down rows
  'pii:reveal',
  'import:run',
  'import:read',
  'import:undo',
  'plans:read',
  'plans:write',
  'collections:read',
  'collections:write',
  'followup:work',
  'users:admin',
  'audit:read',
  'settings:write',
  'internal', // CLI hand-off with the local token
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  'session',
  'metrics:read',
  'data:read',
  'plans:read',
  'collections:read',
  'import:read',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    ...READ,
    'pii:reveal',
    'import:run',
    'import:undo',
    'plans:write',
    'collections:write',
    'followup:work',
    'users:admin',
    'audit:read',
    'settings:write',
  ],
  city_staff: [
    ...READ,
    'pii:reveal',
    'import:run',
    'import:undo',
    'plans:write',
    'collections:write',
    'followup:work',
    'settings:write',
  ],
  county_manager: [...READ, 'pii:reveal', 'followup:work'],
  auditor: [...READ, 'pii:reveal', 'audit:read'],
  support_centre: [...READ, 'import:run', 'import:undo'],
  leader: [...READ],
};

/** Who is acting, and the one scope rule: countyScope null = all counties, else exactly that county. */
export type Actor = {
  username: string;
  role: Role | 'system';
  auditorLevel: number | null;
  countyScope: string | null;
  permissions: ReadonlySet<Permission>;
};

export const systemActor = (username: string): Actor => ({
  username,
  role: 'system',
  auditorLevel: null,
  countyScope: null,
  permissions: new Set(PERMISSIONS),
});

/** County-bound roles see one county; all others see every county. */
export function scopeFor(role: Role, auditorLevel: number | null, county: string | null): string | null {
  if (role === 'county_manager') return county;
  if (role === 'auditor' && auditorLevel === 1) return county;
  return null;
}

export const can = (actor: Actor, p: Permission): boolean => p === 'public' || actor.permissions.has(p);

export function assertCan(actor: Actor, p: Permission): void {
  if (!can(actor, p))
    throw new Forbidden('您的角色无此权限', 'Your role does not allow this', { permission: p });
}

/**
 * Apply the actor's scope to a requested county filter: a county user asking for another county is
 * refused; asking for nothing gets their own county.
 */
export function scopedCounty(actor: Actor, requested: string | null | undefined): string | null {
  if (actor.countyScope === null) return requested ?? null;
  if (requested && requested !== actor.countyScope) {
    throw new Forbidden('只能查看本县区数据', 'You can only see your own county', { county: requested });
  }
  return actor.countyScope;
}

export function assertCountyAccess(actor: Actor, county: string | null): void {
  if (actor.countyScope !== null && county !== actor.countyScope) {
    throw new Forbidden('只能查看本县区数据', 'You can only see your own county', { county });
  }
}

/** The request's actor past the auth hook (routes with a non-public permission always have one). */
export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new Unauthorized();
  return actor;
}
