import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB, Role } from '../../db/schema.js';
import { Conflict, NotFound, ValidationError } from '../../core/errors.js';
import { recordAudit } from '../audit/audit.repository.js';
import { assertCan, type Actor } from '../../server/rbac.js';
import { assertPasswordPolicy, DEMO_PASSWORD, hashPassword } from '../../server/auth/password.js';
import {
  countyExists,
  deleteUserSessions,
  findUserById,
  findUserByUsername,
  insertUser,
  listUserRows,
  lockUser,
  toPublicUser,
  updateUserRow,
  type PublicUser,
  type UserPatch,
} from './users.repository.js';

export const ROLES = [
  'admin',
  'city_staff',
  'county_manager',
  'auditor',
  'support_centre',
  'leader',
] as const;
export const RoleSchema = z.enum(ROLES);

export type CreateUserInput = {
  username: string;
  displayName?: string;
  role: Role;
  county?: string | null;
  auditorLevel?: number | null;
  password: string;
  /** Force a change at first sign-in (default true: the admin chose this password, not the user). */
  mustChangePassword?: boolean;
};

export type UpdateUserInput = {
  displayName?: string;
  role?: Role;
  county?: string | null;
  auditorLevel?: number | null;
  disabled?: boolean;
};

/** A user by id (API) or username (CLI). */
export type UserRef = number | string;

const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** County-bound roles need a county; auditors need a level; nobody else may carry either. */
async function checkRoleFields(
  db: Kysely<DB>,
  role: Role,
  county: string | null,
  auditorLevel: number | null,
): Promise<void> {
  if (role === 'auditor') {
    if (auditorLevel === null || ![1, 2, 3].includes(auditorLevel)) {
      throw new ValidationError('稽核人员须指定级别 1、2 或 3', 'An auditor needs level 1, 2 or 3', {
        field: 'auditorLevel',
      });
    }
  } else if (auditorLevel !== null) {
    throw new ValidationError('只有稽核人员有级别', 'Only auditors have a level', { field: 'auditorLevel' });
  }
  const countyBound = role === 'county_manager' || (role === 'auditor' && auditorLevel === 1);
  if (countyBound && county === null) {
    throw new ValidationError(
      '县区经理和一级稽核须指定县区',
      'County managers and level-1 auditors need a county',
      {
        field: 'county',
      },
    );
  }
  if (!countyBound && county !== null) {
    throw new ValidationError(
      '只有县区经理和一级稽核属于某个县区',
      'Only county managers and level-1 auditors belong to a county',
      { field: 'county' },
    );
  }
  if (county !== null && !(await countyExists(db, county))) {
    throw new ValidationError(`县区「${county}」不存在`, `County "${county}" does not exist`, {
      field: 'county',
    });
  }
}

async function resolve(db: Kysely<DB>, ref: UserRef): Promise<number> {
  if (typeof ref === 'number') return ref;
  const u = await findUserByUsername(db, ref);
  if (!u) throw new NotFound('user', ref);
  return u.user_id;
}

export async function listUsers(db: Kysely<DB>, actor: Actor): Promise<PublicUser[]> {
  assertCan(actor, 'users:admin');
  return (await listUserRows(db)).map(toPublicUser);
}

export async function createUser(db: Kysely<DB>, actor: Actor, input: CreateUserInput): Promise<PublicUser> {
  assertCan(actor, 'users:admin');
  const username = input.username.trim();
  if (!USERNAME_RE.test(username)) {
    throw new ValidationError(
      '用户名须为 2–64 位小写字母、数字或 . _ -',
      'A username is 2–64 lowercase letters, digits or . _ -',
      { field: 'username' },
    );
  }
  const county = input.county ?? null;
  const level = input.auditorLevel ?? null;
  await checkRoleFields(db, input.role, county, level);
  assertPasswordPolicy(username, input.password);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const row = await insertUser(trx, {
      username,
      display_name: input.displayName?.trim() || username,
      password_hash: passwordHash,
      role: input.role,
      auditor_level: level,
      county_code: county,
      must_change_password: input.mustChangePassword ?? true,
    });
    if (!row)
      throw new Conflict(`用户名「${username}」已存在`, `Username "${username}" already exists`, {
        username,
      });
    const user = toPublicUser(row);
    await recordAudit(trx, {
      actor: actor.username,
      action: 'create',
      entity: 'user',
      entityId: username,
      after: user,
    });
    return user;
  });
}

/** Change role/county/level/name/disabled; the role fields are validated as a whole after the change. */
export async function updateUser(
  db: Kysely<DB>,
  actor: Actor,
  ref: UserRef,
  input: UpdateUserInput,
): Promise<PublicUser> {
  assertCan(actor, 'users:admin');
  const id = await resolve(db, ref);
  const current = await findUserById(db, id);
  if (!current) throw new NotFound('user', ref);
  const role = input.role ?? current.role;
  // changing to a role without a county/level drops them unless the caller sets them explicitly
  const county =
    input.county !== undefined
      ? input.county
      : role === current.role || role === 'county_manager' || role === 'auditor'
        ? current.county_code
        : null;
  const level =
    input.auditorLevel !== undefined ? input.auditorLevel : role === 'auditor' ? current.auditor_level : null;
  await checkRoleFields(db, role, county, level);
  if (input.disabled === true && current.username === actor.username) {
    throw new ValidationError('不能停用自己的账号', 'You cannot disable your own account');
  }
  const patch: UserPatch = { role, county_code: county, auditor_level: level };
  if (input.displayName !== undefined) patch.display_name = input.displayName.trim();
  if (input.disabled !== undefined) patch.disabled = input.disabled;
  return db.transaction().execute(async (trx) => {
    const before = await lockUser(trx, id);
    if (!before) throw new NotFound('user', ref);
    const after = await updateUserRow(trx, id, patch);
    // a disabled user is signed out everywhere at once
    if (after.disabled) await deleteUserSessions(trx, id);
    await recordAudit(trx, {
      actor: actor.username,
      action: input.disabled === true ? 'disable' : input.disabled === false ? 'enable' : 'update',
      entity: 'user',
      entityId: after.username,
      before: toPublicUser(before),
      after: toPublicUser(after),
    });
    return toPublicUser(after);
  });
}

export const setDisabled = (db: Kysely<DB>, actor: Actor, ref: UserRef, disabled: boolean) =>
  updateUser(db, actor, ref, { disabled });

/** An administrator sets a new password; the user must change it at next sign-in; their sessions end. */
export async function resetPassword(
  db: Kysely<DB>,
  actor: Actor,
  ref: UserRef,
  password: string,
): Promise<PublicUser> {
  assertCan(actor, 'users:admin');
  const id = await resolve(db, ref);
  const current = await findUserById(db, id);
  if (!current) throw new NotFound('user', ref);
  assertPasswordPolicy(current.username, password);
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const after = await updateUserRow(trx, id, { password_hash: passwordHash, must_change_password: true });
    const ended = await deleteUserSessions(trx, id);
    await recordAudit(trx, {
      actor: actor.username,
      action: 'reset_password',
      entity: 'user',
      entityId: after.username,
      detail: { sessionsEnded: ended },
    });
    return toPublicUser(after);
  });
}

export type DemoUser = { username: string; role: Role; county: string | null };

/**
 * The demo city's users, one per role, all with the password `marketops-demo` (flagged
 * must_change_password, which is only enforced outside demo mode). Idempotent: existing users are
 * left as they are. County managers only for counties that exist.
 */
export async function ensureDemoUsers(db: Kysely<DB>): Promise<DemoUser[]> {
  const counties = new Set(
    (await db.selectFrom('counties').select('county_code').execute()).map((c) => c.county_code),
  );
  const wanted: (DemoUser & { level: number | null; name: string })[] = [
    { username: 'admin', role: 'admin', county: null, level: null, name: '系统管理员' },
    { username: 'city', role: 'city_staff', county: null, level: null, name: '市场部' },
    { username: 'leader', role: 'leader', county: null, level: null, name: '分管领导' },
    { username: 'support', role: 'support_centre', county: null, level: null, name: '支撑中心' },
    { username: 'audit1', role: 'auditor', county: 'C01', level: 1, name: '县区稽核' },
    { username: 'audit2', role: 'auditor', county: null, level: 2, name: '支撑中心稽核' },
    { username: 'audit3', role: 'auditor', county: null, level: 3, name: '市级稽核' },
  ];
  for (let i = 1; i <= 10; i++) {
    const code = `C${String(i).padStart(2, '0')}`;
    wanted.push({
      username: `c${String(i).padStart(2, '0')}`,
      role: 'county_manager',
      county: code,
      level: null,
      name: `${code} 县区经理`,
    });
  }
  const usable = wanted.filter((u) => u.county === null || counties.has(u.county));
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const created: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (const u of usable) {
      const row = await insertUser(trx, {
        username: u.username,
        display_name: u.name,
        password_hash: passwordHash,
        role: u.role,
        auditor_level: u.level,
        county_code: u.county,
        must_change_password: true,
      });
      if (row) created.push(u.username);
    }
    if (created.length > 0) {
      await recordAudit(trx, {
        actor: 'system',
        action: 'create',
        entity: 'user',
        detail: { demoUsers: created },
      });
    }
  });
  return usable.map(({ username, role, county }) => ({ username, role, county }));
}
