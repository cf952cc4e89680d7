import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';

export type AuditEntry = {
  actor: string;
  /** verb: create, update, delete, import, undo, reveal, export, login, login_failed, logout, … */
  action: string;
  /** what was acted on: user, plan, import_batch, subscriber, followup_item, … */
  entity: string;
  entityId?: string | number | null;
  county?: string | null;
  before?: unknown;
  after?: unknown;
  detail?: unknown;
  ip?: string | null;
};

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** Append one entry to the audit trail. Pass the transaction that makes the change. */
export async function recordAudit(db: Kysely<DB> | Transaction<DB>, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
      county_code: e.county ?? null,
      before: json(e.before),
      after: json(e.after),
      detail: json(e.detail),
      ip: e.ip ?? null,
    })
    .execute();
}

export type AuditFilter = {
  actor?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  /** inclusive local dates 'YYYY-MM-DD' */
  from?: string;
  to?: string;
  /** a county-bound reader sees only entries of that county */
  county?: string | null;
  page: number;
  pageSize: number;
};

export type AuditRow = {
  auditId: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  county: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
  ip: string | null;
};

/** The audit trail, newest first, filtered and paged. */
export async function listAudit(
  db: Kysely<DB>,
  f: AuditFilter,
): Promise<{ total: number; rows: AuditRow[] }> {
  let q = db.selectFrom('audit_log');
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.entity) q = q.where('entity', '=', f.entity);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.county) q = q.where('county_code', '=', f.county);
  // a local date covers [00:00, next 00:00) in the session time zone (Asia/Shanghai)
  if (f.from) q = q.where(sql<boolean>`at >= ${f.from}::date::timestamp at time zone 'Asia/Shanghai'`);
  if (f.to) q = q.where(sql<boolean>`at < (${f.to}::date + 1)::timestamp at time zone 'Asia/Shanghai'`);
  const totalRow = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await q
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('audit_id', 'desc')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return {
    total: Number(totalRow?.n ?? 0),
    rows: rows.map((r) => ({
      auditId: Number(r.audit_id),
      at: String(r.at),
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      county: r.county_code,
      before: r.before,
      after: r.after,
      detail: r.detail,
      ip: r.ip,
    })),
  };
}
