import type { Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema.js';
import { BadRequest, Unauthorized, ValidationError } from '../../core/errors.js';
import { recordAudit } from '../../modules/audit/audit.repository.js';
import {
  deleteUserSessions,
  findUserById,
  findUserByUsername,
  updateUserRow,
} from '../../modules/users/users.repository.js';
import { ROLE_PERMISSIONS, type Permission } from '../rbac.js';
import { assertPasswordPolicy, hashPassword, verifyPassword } from './password.js';
import { createSession, type SessionInfo } from './sessions.js';
import type { LoginLimiter } from './login-limiter.js';

export type SessionView = {
  user: {
    username: string;
    role: Role;
    county: string | null;
    auditorLevel: number | null;
    displayName: string;
    mustChangePassword: boolean;
  };
  csrfToken: string;
  permissions: Permission[];
};

type UserLike = {
  username: string;
  role: Role;
  county_code: string | null;
  auditor_level: number | null;
  display_name: string;
  must_change_password: boolean;
};

export const sessionView = (u: UserLike, csrfToken: string): SessionView => ({
  user: {
    username: u.username,
    role: u.role,
    county: u.county_code,
    auditorLevel: u.auditor_level,
    displayName: u.display_name,
    mustChangePassword: u.must_change_password,
  },
  csrfToken,
  permissions: [...ROLE_PERMISSIONS[u.role]],
});

// Verifying against a fixed hash when the user does not exist keeps the answer time the same.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword('not-a-real-password-0'));

const badCredentials = () => new Unauthorized('用户名或密码错误', 'Wrong username or password');

/** Sign in: limiter first, then argon2; every outcome lands in the audit trail (never the password). */
export async function login(
  db: Kysely<DB>,
  limiter: LoginLimiter,
  opts: { sessionHours: number },
  input: { username: string; password: string; ip: string; userAgent: string | null },
): Promise<SessionView & { token: string }> {
  const username = input.username.trim();
  const failed = async (reason: string) =>
    recordAudit(db, {
      actor: username,
      action: 'login_failed',
      entity: 'session',
      detail: { reason },
      ip: input.ip,
    });
  try {
    limiter.check(username, input.ip);
  } catch (e) {
    await failed('rate_limited');
    throw e;
  }
  const user = await findUserByUsername(db, username);
  const ok = await verifyPassword(user?.password_hash ?? (await dummy()), input.password);
  if (!user || !ok) {
    limiter.fail(username, input.ip);
    await failed(user ? 'wrong_password' : 'unknown_user');
    throw badCredentials();
  }
  if (user.disabled) {
    limiter.fail(username, input.ip);
    await failed('disabled');
    throw new Unauthorized('账号已停用，请联系管理员', 'This account is disabled; contact an administrator');
  }
  limiter.succeed(username, input.ip);
  const s = await createSession(db, user.user_id, opts.sessionHours, {
    ip: input.ip,
    userAgent: input.userAgent,
  });
  await recordAudit(db, {
    actor: user.username,
    action: 'login',
    entity: 'session',
    county: user.county_code,
    ip: input.ip,
  });
  return { ...sessionView(user, s.csrfToken), token: s.token };
}

export async function currentSession(db: Kysely<DB>, session: SessionInfo | undefined): Promise<SessionView> {
  if (!session) throw new BadRequest('此请求没有登录会话', 'This request has no sign-in session');
  const user = await findUserById(db, session.userId);
  if (!user) throw new Unauthorized();
  return sessionView(user, session.csrfToken);
}

/** Change one's own password: the old one proves it is them; their other sessions end. */
export async function changeOwnPassword(
  db: Kysely<DB>,
  limiter: LoginLimiter,
  session: SessionInfo | undefined,
  input: { oldPassword: string; newPassword: string; ip: string },
): Promise<SessionView> {
  if (!session) throw new BadRequest('此请求没有登录会话', 'This request has no sign-in session');
  const user = await findUserById(db, session.userId);
  if (!user) throw new Unauthorized();
  // guessing the current password through a stolen session is limited like signing in
  limiter.check(user.username, input.ip);
  if (!(await verifyPassword(user.password_hash, input.oldPassword))) {
    limiter.fail(user.username, input.ip);
    throw new ValidationError('原密码不正确', 'The current password is wrong', { field: 'oldPassword' });
  }
  if (input.oldPassword === input.newPassword) {
    throw new ValidationError('新密码不能与原密码相同', 'The new password must differ from the current one', {
      field: 'newPassword',
    });
  }
  assertPasswordPolicy(user.username, input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  const after = await db.transaction().execute(async (trx) => {
    const row = await updateUserRow(trx, user.user_id, {
      password_hash: passwordHash,
      must_change_password: false,
    });
    const ended = await deleteUserSessions(trx, user.user_id, session.sessionHash);
    await recordAudit(trx, {
      actor: user.username,
      action: 'change_password',
      entity: 'user',
      entityId: user.username,
      detail: { otherSessionsEnded: ended },
      ip: input.ip,
    });
    return row;
  });
  return sessionView(after, session.csrfToken);
}
