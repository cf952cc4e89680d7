import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { NotFound } from '../../core/errors.js';
import { maskIdNumber, maskName, maskPhone } from '../../core/pii.js';
import { endOfMonth, monthDiff, monthOf, addMonths } from '../../core/dates.js';
import { recordAudit } from '../audit/audit.repository.js';
import { assertCan, assertCountyAccess, scopedCounty, type Actor } from '../../server/rbac.js';
import {
  adjustmentRows,
  arrearsRows,
  billRows,
  contractRows,
  depositRows,
  findSubscriber,
  orderRows,
  paymentRows,
  refundRows,
  searchSubscriberRows,
  stockMoveRows,
  type SubscriberMasterRow,
} from './subscribers.repository.js';

/** How many bill months the subscriber page shows. */
export const BILL_MONTHS = 24;
const PAYMENT_LIMIT = 200;

/** The master data as anyone with 'data:read' sees it: personal data masked. */
export const maskedMaster = (r: SubscriberMasterRow) => ({
  subscriberId: r.subscriber_id,
  accountId: r.account_id,
  customerName: maskName(r.customer_name),
  idNumber: maskIdNumber(r.id_number),
  phone: maskPhone(r.phone),
  county: r.county_code,
  countyName: r.county_name,
  outlet: r.outlet_code,
  product: r.product_code,
  productName: r.product_name,
  package: r.package_code,
  packageName: r.package_name,
  monthlyFee: r.monthly_fee,
  installDate: r.install_date,
  status: r.status,
  disconnectDate: r.disconnect_date,
  terminalSn: r.terminal_sn,
});

/**
 * Extension point of the subscriber page: other modules (follow-up items, audit findings, …) register a
 * section loader at import time; its result appears under `sections[key]`. A loader gets the subscriber
 * already checked against the actor's scope.
 */
export type SubscriberSection = {
  key: string;
  load(db: Kysely<DB>, actor: Actor, subscriber: { subscriberId: string; county: string }): Promise<unknown>;
};
const sections: SubscriberSection[] = [];
export function registerSubscriberSection(section: SubscriberSection): void {
  const i = sections.findIndex((s) => s.key === section.key);
  if (i >= 0) sections[i] = section;
  else sections.push(section);
}

export async function searchSubscribers(
  db: Kysely<DB>,
  actor: Actor,
  f: { q: string; county?: string; page: number; pageSize: number },
) {
  assertCan(actor, 'data:read');
  const county = scopedCounty(actor, f.county);
  const r = await searchSubscriberRows(db, { q: f.q, county, page: f.page, pageSize: f.pageSize });
  return { page: f.page, pageSize: f.pageSize, total: r.total, rows: r.rows.map(maskedMaster) };
}

/** The subscriber's row, refused (403, not 404) when it belongs to another county than the actor's. */
async function loadInScope(db: Kysely<DB>, actor: Actor, id: string): Promise<SubscriberMasterRow> {
  const row = await findSubscriber(db, id);
  if (!row) throw new NotFound('subscriber', id);
  assertCountyAccess(actor, row.county_code);
  return row;
}

/** Arrears per bill month at `today` (metrics.md definitions); months overdue k = today's month − m. */
export function shapeArrears(rows: { bill_month: string; due: number; paid: number }[], today: string) {
  const months = rows.map((r) => {
    const m = monthOf(r.bill_month);
    const owed = Math.max(0, r.due - r.paid);
    return {
      billMonth: m,
      due: r.due,
      paid: r.paid,
      collected: Math.min(r.paid, r.due),
      owed,
      monthsOverdue: monthDiff(monthOf(today), m),
      longTerm: owed > 0 && endOfMonth(addMonths(m, 3)) < today,
    };
  });
  return {
    cutoff: today,
    totalOwed: months.reduce((s, r) => s + (r.monthsOverdue > 0 ? r.owed : 0), 0),
    longTermOwed: months.reduce((s, r) => s + (r.longTerm ? r.owed : 0), 0),
    months,
  };
}

const STOP_TYPES = new Set(['single_stop', 'dual_stop', 'resume', 'disconnect']);

/** Everything about one subscriber on one screen; `today` is the arrears cutoff. */
export async function getSubscriberDetail(db: Kysely<DB>, actor: Actor, id: string, today: string) {
  assertCan(actor, 'data:read');
  const row = await loadInScope(db, actor, id);
  const [bills, payments, adjustments, refunds, arrears, orders, contracts, stockMoves, deposits] =
    await Promise.all([
      billRows(db, id, BILL_MONTHS),
      paymentRows(db, id, PAYMENT_LIMIT),
      adjustmentRows(db, id),
      refundRows(db, id),
      arrearsRows(db, id, today),
      orderRows(db, id),
      contractRows(db, id),
      stockMoveRows(db, id, row.terminal_sn),
      depositRows(db, id),
    ]);
  const extra: Record<string, unknown> = {};
  for (const s of sections)
    extra[s.key] = await s.load(db, actor, { subscriberId: id, county: row.county_code });
  const depositBalance = deposits.reduce((s, d) => s + (d.kind === 'collect' ? d.amount : -d.amount), 0);
  return {
    subscriber: maskedMaster(row),
    bills: bills.map((b) => ({ billMonth: monthOf(b.bill_month), amount: b.amount })),
    payments,
    adjustments,
    refunds,
    arrears: shapeArrears(arrears, today),
    orders,
    stopHistory: orders.filter((o) => STOP_TYPES.has(o.order_type)),
    contracts,
    stockMoves,
    deposits: { balance: depositBalance, rows: deposits },
    sections: extra,
  };
}

/** Unmasked personal data of one record, for roles allowed to reveal; every reveal is audited. */
export async function revealSubscriber(db: Kysely<DB>, actor: Actor, id: string, ip: string | null) {
  assertCan(actor, 'pii:reveal');
  const row = await loadInScope(db, actor, id);
  await recordAudit(db, {
    actor: actor.username,
    action: 'reveal',
    entity: 'subscriber',
    entityId: id,
    county: row.county_code,
    detail: { fields: ['customerName', 'idNumber', 'phone'] },
    ip,
  });
  return { subscriberId: id, customerName: row.customer_name, idNumber: row.id_number, phone: row.phone };
}
