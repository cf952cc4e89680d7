import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { todayShanghai } from '../../core/dates.js';
import { afterBatchCommitted, onBatchApplied, type BatchChange } from '../../ingest/hooks.js';
import type { DatasetKey } from '../../datasets/index.js';
import { recordAudit } from '../audit/audit.repository.js';
import { getCollectionsSettings } from '../collections/collections.settings.js';
import { owedSelect } from '../collections/owed.sql.js';
import { systemActor } from '../../server/rbac.js';
import { generateFollowups } from './followup.service.js';

/**
 * Follow-up items close themselves when imported data shows what the call was for: a payment that
 * brings the arrears to the threshold or below, a resume or disconnect order, a renewal contract, a bill
 * with fees. Each closed item keeps what closed it (auto_close, with the batch), and undoing that batch
 * reopens it. Set-based: each kind of close is one UPDATE, whatever the number of items it closes.
 */

/** Items a batch closes: item_id, outcome (null: closed without one) and auto_close (an AutoClose, followup.rules.ts). */
type Closer = (batchId: number, thresholdFen: number) => RawBuilder<unknown>;

const paymentCloses: Closer = (batchId, thresholdFen) => {
  // owed after the batch over the months that put the subscriber on the list (those before the list
  // date's month), for the paying subscribers only: computed once for all of them, then summed per item
  const owed = owedSelect({ cutoff: '2999-12-31', subscribersIn: sql`select subscriber_id from i` });
  return sql`with i as materialized (
      select f.item_id, f.subscriber_id, date_trunc('month', f.list_date)::date as list_month, p.paid
      from followup_items f
      join (select subscriber_id, sum(amount)::bigint as paid from payments where batch_id = ${batchId}
            group by subscriber_id) p on p.subscriber_id = f.subscriber_id
      where f.status = 'open' and f.reason = 'arrears'
    ),
    o as materialized (select subscriber_id, bill_month, owed from (${owed}) x where owed > 0),
    l as materialized (
      select i.item_id, coalesce(sum(o.owed) filter (where o.bill_month < i.list_month), 0)::bigint as owed
      from i left join o on o.subscriber_id = i.subscriber_id
      group by i.item_id
    )
    select i.item_id, 'paid' as outcome,
      jsonb_build_object('kind', 'payment', 'batch_id', ${batchId}::bigint, 'paid', i.paid, 'owed_after', l.owed) as auto
    from i join l on l.item_id = i.item_id
    where l.owed <= ${thresholdFen}::bigint`;
};

const orderCloses: Closer = (batchId) => sql`
    select item_id,
      case when order_type = 'disconnect' then 'disconnected' end as outcome,
      case when order_type = 'disconnect'
        then jsonb_build_object('kind', 'disconnect', 'batch_id', ${batchId}::bigint, 'order_id', order_id, 'day', order_day)
        else jsonb_build_object('kind', 'resume', 'batch_id', ${batchId}::bigint, 'order_id', order_id, 'order_day', order_day)
      end as auto
    from (
      select distinct on (f.item_id) f.item_id, o.order_id, o.order_type, o.order_day::text as order_day
      from followup_items f
      join orders o on o.subscriber_id = f.subscriber_id and o.batch_id = ${batchId}
      where f.status = 'open' and o.order_day >= f.list_date
        and (o.order_type = 'disconnect' or (o.order_type = 'resume' and f.reason in ('single_stop', 'dual_stop')))
      order by f.item_id, o.order_date desc, o.order_id desc
    ) x`;

const contractCloses: Closer = (batchId) => sql`
    select distinct on (f.item_id) f.item_id, 'renewed' as outcome,
      jsonb_build_object('kind', 'renewal', 'batch_id', ${batchId}::bigint, 'contract_id', n.contract_id,
        'start_date', n.start_date::text, 'end_date', n.end_date::text) as auto
    from followup_items f
    join contracts c on c.contract_id = f.dedupe_key
    join contracts n on n.subscriber_id = f.subscriber_id and n.batch_id = ${batchId} and n.start_date > c.start_date
    where f.status = 'open' and f.reason = 'contract_ending'
    order by f.item_id, n.start_date`;

const billCloses: Closer = (batchId) => sql`
    select distinct on (f.item_id) f.item_id, null as outcome,
      jsonb_build_object('kind', 'activated', 'batch_id', ${batchId}::bigint, 'bill_month', b.bill_month::text,
        'amount', b.amount) as auto
    from followup_items f
    join bills b on b.subscriber_id = f.subscriber_id and b.batch_id = ${batchId} and b.amount > 0
      and to_char(b.bill_month, 'YYYY-MM') > f.dedupe_key
    where f.status = 'open' and f.reason = 'zero_fee'
    order by f.item_id, b.bill_month`;

const subscriberCloses: Closer = (batchId) => sql`
    select f.item_id, 'disconnected' as outcome,
      jsonb_build_object('kind', 'disconnect', 'batch_id', ${batchId}::bigint, 'order_id', null,
        'day', s.disconnect_date::text) as auto
    from followup_items f join subscribers s on s.subscriber_id = f.subscriber_id
    where f.status = 'open' and s.batch_id = ${batchId} and s.status = 'disconnected'`;

const CLOSERS: Partial<Record<DatasetKey, Closer>> = {
  payments: paymentCloses,
  orders: orderCloses,
  contracts: contractCloses,
  bills: billCloses,
  subscribers: subscriberCloses,
};

/** Items named in an audit entry of an auto-close or reopen; the rest are found by their auto_close batch. */
const AUDIT_ITEMS = 1000;

/**
 * Close what the batch shows done; on undo, reopen what that batch closed. Returns how many items it
 * closed or reopened.
 */
export async function autoCloseFollowups(trx: Transaction<DB>, change: BatchChange): Promise<number> {
  if (change.action === 'undo') {
    const r = await sql<{ n: number; items: number[] | null }>`
      with u as (
        update followup_items set status = 'open', outcome = null, closed_at = null, closed_by = null, auto_close = null
        where closed_by = 'system:import' and (auto_close->>'batch_id')::bigint = ${change.batchId}
        returning item_id
      )
      select count(*)::int as n, (array_agg(item_id order by item_id))[1:${AUDIT_ITEMS}::int] as items from u`.execute(
      trx,
    );
    const n = Number(r.rows[0]?.n ?? 0);
    if (n > 0) {
      await recordAudit(trx, {
        actor: 'system:import',
        action: 'reopen',
        entity: 'followup_item',
        detail: { batch_id: change.batchId, reopened: n, items: (r.rows[0]?.items ?? []).map(Number) },
      });
    }
    return n;
  }
  const closer = CLOSERS[change.dataset];
  if (!closer) return 0;
  const { arrears_threshold_fen } = await getCollectionsSettings(trx);
  // the closes are computed once (materialized), then each is applied by its item id: a plan that
  // recomputed them per item would take minutes
  const r = await sql<{ n: number; items: { id: number; kind: string }[] | null }>`
    with c as materialized (${closer(change.batchId, arrears_threshold_fen)}),
    u as (
      update followup_items f set status = 'closed', outcome = c.outcome, closed_at = now(),
        closed_by = 'system:import', auto_close = c.auto
      from c
      where f.item_id = c.item_id and f.status = 'open'
      returning f.item_id, c.auto->>'kind' as kind
    )
    select count(*)::int as n,
      (select jsonb_agg(jsonb_build_object('id', x.item_id, 'kind', x.kind) order by x.item_id)
       from (select item_id, kind from u order by item_id limit ${AUDIT_ITEMS}) x) as items
    from u`.execute(trx);
  const n = Number(r.rows[0]?.n ?? 0);
  if (n > 0) {
    await recordAudit(trx, {
      actor: 'system:import',
      action: 'auto_close',
      entity: 'followup_item',
      detail: { batch_id: change.batchId, dataset: change.dataset, closed: n, items: r.rows[0]?.items ?? [] },
    });
  }
  return n;
}

const IMPORT_ACTOR = systemActor('system:import');

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
    await generateFollowups(db, { date: today(), actor: IMPORT_ACTOR });
  });
  return () => {
    offClose();
    offGenerate();
  };
}
