import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, Role, SessionTable, UserTable } from '../../db/schema.js';

type Db = Kysely<DB> | Transaction<DB>;
export type UserRow = Selectable<UserTable>;

/** A user as the API and the audit trail show it: never the password hash. */
export type PublicUser = {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  county: string | null;
  auditorLevel: number | null;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
};

export const toPublicUser = (u: UserRow): PublicUser => ({
  userId: u.user_id,
  username: u.username,
  displayName: u.display_name,
  role: u.role,
  county: u.county_code,
  auditorLevel: u.auditor_level,
  disabled: u.disabled,
  mustChangePassword: u.must_change_password,
  // Generated<Ts> selects as the column type in schema.ts; the driver gives text
  createdAt: String(u.created_at),
  updatedAt: String(u.updated_at),
});

/** now() typed as the timestamp column type (schema.ts wraps it in Generated). */
export const nowTs = sql<SessionTable['expires_at']>`now()`;

export const findUserByUsername = (db: Db, username: string) =>
  db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();

export const findUserById = (db: Db, id: number) =>
  db.selectFrom('users').selectAll().where('user_id', '=', id).executeTakeFirst();

/** Lock the row for an update in the caller's transaction. */
export const lockUser = (db: Db, id: number) =>
  db.selectFrom('users').selectAll().where('user_id', '=', id).forUpdate().executeTakeFirst();

export const listUserRows = (db: Db) => db.selectFrom('users').selectAll().orderBy('username').execute();

export type NewUserRow = {
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  auditor_level: number | null;
  county_code: string | null;
  must_change_password: boolean;
};

/** Insert unless the username exists (the unique key decides): undefined when it already did. */
export const insertUser = (db: Db, row: NewUserRow) =>
  db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.column('username').doNothing())
    .returningAll()
    .executeTakeFirst();

export type UserPatch = Partial<
  Pick<
    UserRow,
    | 'display_name'
    | 'role'
    | 'auditor_level'
    | 'county_code'
    | 'disabled'
    | 'must_change_password'
    | 'password_hash'
  >
>;

export const updateUserRow = (db: Db, id: number, patch: UserPatch) =>
  db
    .updateTable('users')
    .set({ ...patch, updated_at: nowTs })
    .where('user_id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const countyExists = async (db: Db, county: string): Promise<boolean> =>
  (await db
    .selectFrom('counties')
    .select('county_code')
    .where('county_code', '=', county)
    .executeTakeFirst()) !== undefined;

export const deleteUserSessions = async (db: Db, userId: number, exceptHash?: string): Promise<number> => {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptHash) q = q.where('session_hash', '<>', exceptHash);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
};
