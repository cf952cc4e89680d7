import { sql, type Transaction } from 'kysely';
import type { DB, FollowupOutcome } from '../../db/schema.js';
import { firstDay, monthOf, todayShanghai } from '../../core/dates.js';
import { afterBatchCommitted, onBatchApplied, type BatchChange } from '../../ingest/hooks.js';
import type { DatasetKey } from '../../datasets/index.js';
import { recordAudit } from '../audit/audit.repository.js';
import { getCollectionsSettings } from '../collections/collections.settings.js';
import { owedSelect } from '../collections/owed.sql.js';
import type { AutoClose } from './followup.rules.js';
import { generateInTransaction } from './followup.service.js';

/**
 * Follow-up items close themselves when imported data shows what the call was for: a payment that
 * brings the arrears to the threshold or below, a resume or disconnect order, a renewal contract, a bill
 * with fees. Each closed item keeps what closed it (auto_close), and undoing that batch reopens it.
 */
type Close = { itemId: number; outcome: FollowupOutcome | null; auto: AutoClose; county: string };

async function closeItems(trx: Transaction<DB>, closes: Close[]): Promise<void> {
  for (const c of closes) {
    await trx
      .updateTable('followup_items')
      .set({
        status: 'closed',
        outcome: c.outcome,
        closed_at: new Date(),
        closed_by: 'system:import',
        auto_close: JSON.stringify(c.auto),
      })
      .where('item_id', '=', c.itemId)
      .where('status', '=', 'open')
      .execute();
  }
}

async function paymentCloses(trx: Transaction<DB>, batchId: number): Promise<Close[]> {
  const items = await sql<{
    item_id: number;
    subscriber_id: string;
    list_date: string;
    county_code: string;
    paid: number;
  }>`
    select f.item_id, f.subscriber_id, f.list_date::text as list_date, f.county_code, p.paid
    from followup_items f
    join (select subscriber_id, sum(amount)::bigint as paid from payments where batch_id = ${batchId} group by subscriber_id) p
      on p.subscriber_id = f.subscriber_id
    where f.status = 'open' and f.reason = 'arrears'`.execute(trx);
  if (items.rows.length === 0) return [];
  const { arrears_threshold_fen } = await getCollectionsSettings(trx);
  const owed = await sql<{ subscriber_id: string; bill_month: string; owed: number }>`
    select subscriber_id, bill_month::text as bill_month, owed from (${owedSelect({
      cutoff: '2999-12-31',
      subscriberIds: [...new Set(items.rows.map((r) => r.subscriber_id))],
    })}) o where owed > 0`.execute(trx);
  const out: Close[] = [];
  for (const it of items.rows) {
    // the months that put the subscriber on the list: those before the list date's month
    const limit = firstDay(monthOf(it.list_date));
    const left = owed.rows
      .filter((o) => o.subscriber_id === it.subscriber_id && o.bill_month < limit)
      .reduce((s, o) => s + Number(o.owed), 0);
    if (left > arrears_threshold_fen) continue;
    out.push({
      itemId: Number(it.item_id),
      outcome: 'paid',
      county: it.county_code,
      auto: { kind: 'payment', batch_id: batchId, paid: Number(it.paid), owed_after: left },
    });
  }
  return out;
}

async function orderCloses(trx: Transaction<DB>, batchId: number): Promise<Close[]> {
  const r = await sql<{
    item_id: number;
    county_code: string;
    order_id: string;
    order_type: string;
    order_day: string;
  }>`
    select distinct on (f.item_id) f.item_id, f.county_code, o.order_id, o.order_type, o.order_day::text as order_day
    from followup_items f
    join orders o on o.subscriber_id = f.subscriber_id and o.batch_id = ${batchId}
    where f.status = 'open' and o.order_day >= f.list_date
      and (o.order_type = 'disconnect' or (o.order_type = 'resume' and f.reason in ('single_stop', 'dual_stop')))
    order by f.item_id, o.order_date desc, o.order_id desc`.execute(trx);
  return r.rows.map((o) =>
    o.order_type === 'disconnect'
      ? {
          itemId: Number(o.item_id),
          outcome: 'disconnected' as const,
          county: o.county_code,
          auto: { kind: 'disconnect' as const, batch_id: batchId, order_id: o.order_id, day: o.order_day },
        }
      : {
          itemId: Number(o.item_id),
          outcome: null,
          county: o.county_code,
          auto: { kind: 'resume' as const, batch_id: batchId, order_id: o.order_id, order_day: o.order_day },
        },
  );
}

async function contractCloses(trx: Transaction<DB>, batchId: number): Promise<Close[]> {
  const r = await sql<{
    item_id: number;
    county_code: string;
    contract_id: string;
    start_date: string;
    end_date: string;
  }>`
    select distinct on (f.item_id) f.item_id, f.county_code, n.contract_id, n.start_date::text as start_date, n.end_date::text as end_date
    from followup_items f
    join contracts c on c.contract_id = f.dedupe_key
    join contracts n on n.subscriber_id = f.subscriber_id and n.batch_id = ${batchId} and n.start_date > c.start_date
    where f.status = 'open' and f.reason = 'contract_ending'
    order by f.item_id, n.start_date`.execute(trx);
  return r.rows.map((c) => ({
    itemId: Number(c.item_id),
    outcome: 'renewed' as const,
    county: c.county_code,
    auto: {
      kind: 'renewal' as const,
      batch_id: batchId,
      contract_id: c.contract_id,
      start_date: c.start_date,
      end_date: c.end_date,
    },
  }));
}

async function billCloses(trx: Transaction<DB>, batchId: number): Promise<Close[]> {
  const r = await sql<{ item_id: number; county_code: string; bill_month: string; amount: number }>`
    select distinct on (f.item_id) f.item_id, f.county_code, b.bill_month::text as bill_month, b.amount
    from followup_items f
    join bills b on b.subscriber_id = f.subscriber_id and b.batch_id = ${batchId} and b.amount > 0
      and to_char(b.bill_month, 'YYYY-MM') > f.dedupe_key
    where f.status = 'open' and f.reason = 'zero_fee'
    order by f.item_id, b.bill_month`.execute(trx);
  return r.rows.map((b) => ({
    itemId: Number(b.item_id),
    outcome: null,
    county: b.county_code,
    auto: {
      kind: 'activated' as const,
      batch_id: batchId,
      bill_month: b.bill_month,
      amount: Number(b.amount),
    },
  }));
}

async function subscriberCloses(trx: Transaction<DB>, batchId: number): Promise<Close[]> {
  const r = await sql<{ item_id: number; county_code: string; disconnect_date: string | null }>`
    select f.item_id, f.county_code, s.disconnect_date::text as disconnect_date
    from followup_items f join subscribers s on s.subscriber_id = f.subscriber_id
    where f.status = 'open' and s.batch_id = ${batchId} and s.status = 'disconnected'`.execute(trx);
  return r.rows.map((s) => ({
    itemId: Number(s.item_id),
    outcome: 'disconnected' as const,
    county: s.county_code,
    auto: { kind: 'disconnect' as const, batch_id: batchId, order_id: null, day: s.disconnect_date },
  }));
}

const CLOSERS: Partial<Record<DatasetKey, (trx: Transaction<DB>, batchId: number) => Promise<Close[]>>> = {
  payments: paymentCloses,
  orders: orderCloses,
  contracts: contractCloses,
  bills: billCloses,
  subscribers: subscriberCloses,
};

/** Close what the batch shows done; on undo, reopen what that batch closed. */
export async function autoCloseFollowups(trx: Transaction<DB>, change: BatchChange): Promise<number[]> {
  if (change.action === 'undo') {
    const reopened = await trx
      .updateTable('followup_items')
      .set({ status: 'open', outcome: null, closed_at: null, closed_by: null, auto_close: null })
      .where('closed_by', '=', 'system:import')
      .where(sql<boolean>`(auto_close->>'batch_id')::bigint = ${change.batchId}`)
      .returning('item_id')
      .execute();
    const ids = reopened.map((r) => Number(r.item_id));
    if (ids.length) {
      await recordAudit(trx, {
        actor: 'system:import',
        action: 'reopen',
        entity: 'followup_item',
        detail: { batch_id: change.batchId, items: ids },
      });
    }
    return ids;
  }
  const finder = CLOSERS[change.dataset];
  if (!finder) return [];
  const closes = await finder(trx, change.batchId);
  await closeItems(trx, closes);
  if (closes.length) {
    await recordAudit(trx, {
      actor: 'system:import',
      action: 'auto_close',
      entity: 'followup_item',
      detail: {
        batch_id: change.batchId,
        dataset: change.dataset,
        items: closes.map((c) => ({ id: c.itemId, kind: c.auto.kind })),
      },
    });
  }
  return closes.map((c) => c.itemId);
}

const LIST_DATASETS = new Set(['subscribers', 'orders', 'contracts', 'bills', 'payments', 'adjustments']);

/**
 * Register the follow-up hooks with the import pipeline: inside the batch's transaction, close what the
 * data shows; once it has committed, bring today's lists up to date (new stops imported today appear
 * without waiting for the morning job). The lists are generated in a transaction of their own, after
 * the import's: they read the whole city (arrears over every bill month), which the import's locks need
 * not wait for, and the morning job catches up on a run that failed. Returns a function removing both.
 */
export function registerFollowupHooks(opts: { today?: () => string } = {}): () => void {
  const today = opts.today ?? (() => todayShanghai());
  const offClose = onBatchApplied(async (trx, change) => {
    if (LIST_DATASETS.has(change.dataset)) await autoCloseFollowups(trx, change);
  });
  const offGenerate = afterBatchCommitted(async (db, batch) => {
    if (!LIST_DATASETS.has(batch.dataset) || batch.action !== 'apply' || !batch.changed) return;
    await db
      .transaction()
      .execute((trx) => generateInTransaction(trx, { date: today(), county: null, actor: 'system:import' }));
  });
  return () => {
    offClose();
    offGenerate();
  };
}
