import type { Kysely, Transaction } from 'kysely';
import type { DB, FollowupOutcome, FollowupReason } from '../../db/schema.js';
import { ValidationError, NotFound, Forbidden, Conflict } from '../../core/errors.js';
import { isIsoDate } from '../../core/dates.js';
import { maskName, maskPhone } from '../../core/pii.js';
import { rate, type Rate } from '../../core/rate.js';
import { assertCan, assertCountyAccess, scopedCounty, type Actor } from '../../server/rbac.js';
import { recordAudit } from '../audit/audit.repository.js';
import { getCollectionsSettings } from '../collections/collections.settings.js';
import * as repo from './followup.repository.js';
import { assignmentSlots, autoCloseText, type AutoClose } from './followup.rules.js';

export type GenerateResult = {
  date: string;
  counties: { county_code: string; candidates: number; created: number }[];
};

function assertDate(date: string, field = 'date'): void {
  if (!isIsoDate(date)) {
    throw new ValidationError(
      `日期格式应为 YYYY-MM-DD：${date}`,
      `${field} must be a date YYYY-MM-DD: ${date}`,
      {
        field,
        value: date,
      },
    );
  }
}

/**
 * Generate the follow-up lists of a date inside a transaction. Set-based: the candidates never leave
 * the database. Idempotent: a (subscriber, reason, case) that already has an item — open or closed —
 * is not generated again, so open items carry over and closed ones stay closed.
 */
async function generateInTransaction(
  trx: Transaction<DB>,
  p: { date: string; county: string | null; actor: string },
): Promise<GenerateResult> {
  assertDate(p.date);
  const settings = await getCollectionsSettings(trx);
  await repo.stageCandidates(trx, {
    date: p.date,
    county: p.county,
    arrearsThresholdFen: settings.arrears_threshold_fen,
    zeroFeeMonths: settings.zero_fee_months,
    contractDays: settings.contract_days,
  });
  const result: GenerateResult = { date: p.date, counties: [] };
  for (const c of await repo.candidateCounts(trx)) {
    const slots = assignmentSlots(
      c.fresh,
      await repo.countyWorkers(trx, c.county_code),
      await repo.openCountsByAssignee(trx, c.county_code),
    );
    const created =
      c.fresh === 0 ? 0 : await repo.insertFresh(trx, { county: c.county_code, date: p.date, slots });
    result.counties.push({ county_code: c.county_code, candidates: c.candidates, created });
  }
  await repo.dropCandidates(trx);
  await recordAudit(trx, {
    actor: p.actor,
    action: 'generate',
    entity: 'followup_list',
    entityId: p.date,
    county: p.county,
    detail: result,
  });
  return result;
}

export async function generateFollowups(
  db: Kysely<DB>,
  p: { date: string; actor: Actor; county?: string | null },
): Promise<GenerateResult> {
  const county = scopedCounty(p.actor, p.county);
  return db
    .transaction()
    .execute((trx) => generateInTransaction(trx, { date: p.date, county, actor: p.actor.username }));
}

export type FollowupItem = Omit<repo.ItemRow, 'customer_name' | 'phone' | 'auto_close' | 'figures'> & {
  customer_name: string | null;
  phone: string | null;
  figures: Record<string, unknown>;
  auto_close: AutoClose | null;
  auto_close_text: { zh: string; en: string } | null;
};

/** Personal data leaves masked; the subscriber id is what field staff look a subscriber up by. */
export function presentItem(r: repo.ItemRow): FollowupItem {
  const auto = (r.auto_close ?? null) as AutoClose | null;
  return {
    ...r,
    customer_name: maskName(r.customer_name),
    phone: maskPhone(r.phone),
    figures: (r.figures ?? {}) as Record<string, unknown>,
    auto_close: auto,
    auto_close_text: auto ? autoCloseText(auto) : null,
  };
}

export async function listFollowups(
  db: Kysely<DB>,
  actor: Actor,
  q: {
    date: string;
    county?: string | null;
    assignee?: string;
    status?: 'open' | 'closed';
    reason?: FollowupReason;
  },
): Promise<FollowupItem[]> {
  assertDate(q.date);
  const county = scopedCounty(actor, q.county);
  const rows = await repo.listItems(db, { ...q, county });
  return rows.map(presentItem);
}

/** Record a worked item's outcome (closes it). County users only touch their county's items. */
export async function recordOutcome(
  db: Kysely<DB>,
  actor: Actor,
  itemId: number,
  input: { outcome: FollowupOutcome; note?: string | null },
): Promise<void> {
  assertCan(actor, 'followup:work');
  await db.transaction().execute(async (trx) => {
    const [item] = await repo.getItemsForUpdate(trx, [itemId]);
    if (!item) throw new NotFound('跟进事项 / follow-up item', itemId);
    assertCountyAccess(actor, item.county_code);
    const note = input.note?.trim() ? input.note.trim().slice(0, 4000) : null;
    await repo.setOutcome(trx, itemId, { outcome: input.outcome, note, by: actor.username });
    await recordAudit(trx, {
      actor: actor.username,
      action: 'update',
      entity: 'followup_item',
      entityId: itemId,
      county: item.county_code,
      before: { status: item.status, outcome: item.outcome, note: item.note },
      after: { status: 'closed', outcome: input.outcome, note },
    });
  });
}

/** Reassign an item to another user of its county. */
export async function reassign(
  db: Kysely<DB>,
  actor: Actor,
  itemId: number,
  assignee: string,
): Promise<void> {
  assertCan(actor, 'followup:work');
  await db.transaction().execute(async (trx) => {
    const [item] = await repo.getItemsForUpdate(trx, [itemId]);
    if (!item) throw new NotFound('跟进事项 / follow-up item', itemId);
    assertCountyAccess(actor, item.county_code);
    // a closed item keeps the assignee who closed it (its outcome and the statistics refer to them)
    if (item.status === 'closed') {
      throw new Conflict(
        `跟进事项 ${itemId} 已关闭，不能改派`,
        `follow-up item ${itemId} is closed and cannot be reassigned`,
        { item_id: itemId },
      );
    }
    if (item.assignee === assignee) return;
    const users = await repo.countyWorkers(trx, item.county_code);
    if (!users.includes(assignee)) {
      throw new Forbidden(
        `「${assignee}」不是 ${item.county_code} 县区的用户`,
        `"${assignee}" is not a user of county ${item.county_code}`,
        { assignee },
      );
    }
    await trx.updateTable('followup_items').set({ assignee }).where('item_id', '=', itemId).execute();
    await recordAudit(trx, {
      actor: actor.username,
      action: 'update',
      entity: 'followup_item',
      entityId: itemId,
      county: item.county_code,
      before: { assignee: item.assignee },
      after: { assignee },
    });
  });
}

/** The users an item of a county can be assigned to (active county managers of that county). */
export async function assignableUsers(db: Kysely<DB>, actor: Actor, county: string): Promise<string[]> {
  assertCan(actor, 'followup:work');
  assertCountyAccess(actor, county);
  return repo.countyWorkers(db, county);
}

export type FollowupStat = {
  county_code: string;
  assignee: string | null;
  total: number;
  closed: number;
  open: number;
  auto_closed: number;
  success: number;
  completion: Rate;
  success_rate: Rate;
};

const statOf = (
  r: Omit<repo.StatRow, 'county_code' | 'assignee'> & { county_code: string; assignee: string | null },
): FollowupStat => ({
  county_code: r.county_code,
  assignee: r.assignee,
  total: r.total,
  closed: r.closed,
  open: r.total - r.closed,
  auto_closed: r.auto_closed,
  success: r.success,
  completion: rate(r.closed, r.total),
  success_rate: rate(r.success, r.total),
});

/**
 * Completion (closed / generated) and success (paid, renewed, or closed by data showing payment,
 * renewal, resume or fees / generated) per assignee, with a subtotal per county.
 */
export async function followupStats(
  db: Kysely<DB>,
  actor: Actor,
  q: { from: string; to: string; county?: string | null },
): Promise<{ counties: FollowupStat[]; assignees: FollowupStat[] }> {
  assertDate(q.from, 'from');
  assertDate(q.to, 'to');
  const county = scopedCounty(actor, q.county);
  const rows = await repo.stats(db, { from: q.from, to: q.to, county });
  const perCounty = new Map<string, repo.StatRow>();
  for (const r of rows) {
    const c = perCounty.get(r.county_code) ?? {
      ...r,
      assignee: null,
      total: 0,
      closed: 0,
      with_outcome: 0,
      success: 0,
      auto_closed: 0,
    };
    c.total += r.total;
    c.closed += r.closed;
    c.with_outcome += r.with_outcome;
    c.success += r.success;
    c.auto_closed += r.auto_closed;
    perCounty.set(r.county_code, c);
  }
  return { counties: [...perCounty.values()].map(statOf), assignees: rows.map(statOf) };
}
