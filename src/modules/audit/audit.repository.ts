import type { Kysely, Transaction } from 'kysely';
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
