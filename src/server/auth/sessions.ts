import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DB, Role, SessionTable } from '../../db/schema.js';
import type { AppDeps } from '../app.js';
import { ROLE_PERMISSIONS, scopeFor, type Actor, type Permission } from '../rbac.js';

export const SESSION_COOKIE = 'mo_session';

/** What the auth hook knows about the request's session beyond its actor. */
export type SessionInfo = {
  sessionHash: string;
  userId: number;
  csrfToken: string;
  mustChangePassword: boolean;
  displayName: string;
  county: string | null;
};

export type UserForActor = {
  username: string;
  role: Role;
  auditor_level: number | null;
  county_code: string | null;
};

export const actorForUser = (u: UserForActor): Actor => ({
  username: u.username,
  role: u.role,
  auditorLevel: u.auditor_level,
  countyScope: scopeFor(u.role, u.auditor_level, u.county_code),
  permissions: new Set<Permission>(ROLE_PERMISSIONS[u.role]),
});

/** Only a hash of the token is stored: a copy of the sessions table signs nobody in. */
export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

const sessionOf = new WeakMap<FastifyRequest, SessionInfo>();
export const requestSession = (req: FastifyRequest): SessionInfo | undefined => sessionOf.get(req);

export async function createSession(
  db: Kysely<DB>,
  userId: number,
  hours: number,
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; csrfToken: string; sessionHash: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const sessionHash = hashToken(token);
  await db
    .insertInto('sessions')
    .values({
      session_hash: sessionHash,
      user_id: userId,
      csrf_token: csrfToken,
      expires_at: sql<string>`now() + ${hours}::float8 * interval '1 hour'`,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  // expired sessions are swept on sign-in: nothing else needs them
  await db
    .deleteFrom('sessions')
    .where('expires_at', '<', sql<string>`now()`)
    .execute();
  return { token, csrfToken, sessionHash };
}

export async function deleteSession(db: Kysely<DB>, sessionHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('session_hash', '=', sessionHash).execute();
}

/** 'Secure' only when the browser reached us over TLS (directly or via a proxy's x-forwarded-proto). */
const overTls = (req: FastifyRequest): boolean => req.protocol === 'https';

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: overTls(req),
    path: '/',
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: overTls(req), path: '/' });
}

/**
 * Sets req.actor from a valid session cookie: unexpired, of an enabled user. Expiry slides: each use
 * (at most once a minute, to spare the single embedded connection) pushes it sessionHours ahead.
 * Returns whether a cookie was presented at all (to tell "expired" from "never signed in").
 */
export async function loadSessionActor(deps: AppDeps, req: FastifyRequest): Promise<{ presented: boolean }> {
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return { presented: false };
  const sessionHash = hashToken(token);
  const db = deps.database.db;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.user_id', 's.user_id')
    .select([
      's.user_id',
      's.csrf_token',
      'u.username',
      'u.role',
      'u.auditor_level',
      'u.county_code',
      'u.display_name',
      'u.must_change_password',
      sql<boolean>`s.last_seen_at < now() - interval '1 minute'`.as('stale'),
    ])
    .where('s.session_hash', '=', sessionHash)
    .where('s.expires_at', '>', sql<string>`now()`)
    .where('u.disabled', '=', false)
    .executeTakeFirst();
  if (!row) return { presented: true };
  if (row.stale) {
    await db
      .updateTable('sessions')
      .set({
        last_seen_at: sql<SessionTable['expires_at']>`now()`,
        expires_at: sql<string>`now() + ${deps.config.sessionHours}::float8 * interval '1 hour'`,
      })
      .where('session_hash', '=', sessionHash)
      .execute();
  }
  req.actor = actorForUser(row);
  req.sessionHash = sessionHash;
  sessionOf.set(req, {
    sessionHash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    mustChangePassword: row.must_change_password,
    displayName: row.display_name,
    county: row.county_code,
  });
  return { presented: true };
}
