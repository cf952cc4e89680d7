import { sql, type Kysely } from 'kysely';

// People, their sessions and the append-only audit trail.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      user_id serial primary key,
      username text not null unique,
      display_name text not null default '',
      password_hash text not null,
      role text not null check (role in ('admin','city_staff','county_manager','auditor','support_centre','leader')),
      auditor_level integer check (auditor_level in (1,2,3)),
      county_code text references counties,
      disabled boolean not null default false,
      must_change_password boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((role = 'auditor') = (auditor_level is not null))
    );
    create table sessions (
      session_hash text primary key,
      user_id integer not null references users on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    );
    create index sessions_user on sessions (user_id);
    create table audit_log (
      audit_id bigserial primary key,
      at timestamptz not null default now(),
      actor text not null,
      action text not null,
      entity text not null,
      entity_id text,
      county_code text,
      before jsonb,
      after jsonb,
      detail jsonb,
      ip text
    );
    create index audit_log_at on audit_log (at);
    create index audit_log_actor on audit_log (actor, at);
    create index audit_log_entity on audit_log (entity, entity_id);
    create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now(),
      updated_by text not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table settings, audit_log, sessions, users`.execute(db);
}
