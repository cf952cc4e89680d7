/**
 * Bills, payments, adjustments, refunds, prepaid contracts and deposits of one subscriber. Payments
 * are decided when the bill is issued (their dates may lie in later months) and dropped when they
 * would fall after the as-of date, which is what leaves bills owed.
 */
import { SECONDS_PER_DAY, termEnd } from './calendar.js';
import { COUNTIES, OUTLETS, PACKAGES, PRODUCTS, type Package } from './city.js';
import { Flag, NO_MONTH, PayClass, Status, subscriberId } from './subscriber-table.js';
import {
  addCash,
  businessSecond,
  emitPayment,
  monthStartOf,
  operatorId,
  planPayment,
  yuan,
  acceptingOutlet,
  type World,
} from './world.js';

const prorate = (fen: number, days: number, dim: number): number =>
  Math.floor((fen * days * 2 + dim) / (2 * dim));

/** Usage packages without a monthly fee are the ones whose users can go silent (zero-fee users). */
export const canBeZeroFee = (p: Package): boolean => p.billing === 'usage' && p.feeFen === 0;

const approverOf = (w: World, i: number): string =>
  `SP${COUNTIES[w.subs.county[i] ?? 0]?.code ?? ''}${w.rng.int(1, 3)}`;

/** Write a prepaid term starting on `start` and its twelve monthly payments, paid on the start day. */
export function startContract(w: World, i: number, start: number): void {
  const { subs, cal, sinks } = w;
  const p = PACKAGES[subs.pkg[i] ?? 0];
  if (!p || p.billing !== 'prepaid') return;
  const end = termEnd(start, p.termMonths ?? 12);
  const startK = cal.monthIndexOf(start);
  subs.ctPrev[i] = subs.ctStart[i] ?? NO_MONTH;
  subs.ctStart[i] = startK;
  subs.ctEnd[i] = end;
  w.counters.contract++;
  sinks.contracts.line(
    `HY${String(w.counters.contract).padStart(9, '0')},${subscriberId(i)},${p.code},${cal.date(start)},${cal.date(end)}`,
  );
  const plan = planPayment(w, i, start);
  for (let m = Math.max(0, startK); m < startK + (p.termMonths ?? 12); m++) {
    emitPayment(w, i, cal.month(m), start, plan, p.feeFen);
  }
}

const covered = (w: World, i: number, k: number): boolean => {
  const a = w.subs.ctStart[i] ?? NO_MONTH;
  const b = w.subs.ctPrev[i] ?? NO_MONTH;
  return (k >= a && k <= a + 11) || (k >= b && k <= b + 11);
};

/** Bill of month k for the package held at the month's start, or null when not in service that month. */
function billAmount(w: World, i: number, k: number, pkgIdx: number, stopped: boolean): number | null {
  const { subs, rng } = w;
  const p = PACKAGES[pkgIdx];
  if (!p) return null;
  const ms = monthStartOf(w, k);
  const me = monthStartOf(w, k + 1) - 1;
  const disc = subs.disc[i] ?? -1;
  const from = Math.max(ms, subs.install[i] ?? ms);
  const to = disc >= 0 ? Math.min(me, disc - 1) : me;
  if (to < from) return null;
  const days = to - from + 1;
  const dim = me - ms + 1;
  if (p.billing === 'prepaid') return covered(w, i, k) ? p.feeFen : 0;
  let fen = prorate(p.feeFen, days, dim);
  if (stopped) return fen;
  const [chance, lo, hi] = p.extra;
  if (p.billing === 'usage') {
    if (canBeZeroFee(p)) {
      const f = subs.flags[i] ?? 0;
      // silent users wake up now and then, talkative ones fall silent
      if (f & Flag.dormant) {
        if (rng.chance(0.05)) subs.flags[i] = f & ~Flag.dormant;
      } else if (rng.chance(0.02)) subs.flags[i] = f | Flag.dormant;
      if ((subs.flags[i] ?? 0) & Flag.dormant) return fen;
    }
    fen += prorate(rng.int(lo, hi), days, dim);
  } else if (chance > 0 && rng.chance(chance)) {
    fen += rng.int(lo, hi);
  }
  return fen;
}

const ADJUST_DOWN = ['话费争议减免', '故障停机补偿', '营销活动减免', '系统计费差错', '滞纳金减免'];

/** The month's bill, an occasional adjustment, and the payment(s) the subscriber will make for it. */
export function billMonth(w: World, i: number, k: number, pkgIdx: number, statusAtStart: number): void {
  const { subs, rng, cal, sinks } = w;
  const amount = billAmount(w, i, k, pkgIdx, statusAtStart === Status.dual_stop);
  if (amount === null) return;
  const month = cal.month(k);
  const sid = subscriberId(i);
  if (amount === 0) {
    if (!((subs.flags[i] ?? 0) & Flag.missingZeroBill)) sinks.bills.line(`${sid},${month},0.00`);
    return;
  }
  sinks.bills.line(`${sid},${month},${yuan(amount)}`);
  const p = PACKAGES[pkgIdx];
  if (p?.billing === 'prepaid') return; // paid when the term started

  const d = COUNTIES[subs.county[i] ?? 0]!.discipline;
  const next = monthStartOf(w, k + 1);
  let due = amount;
  let earliestPay = 0;
  if (rng.chance(d.adjustmentRate)) {
    const up = rng.chance(0.12);
    const adj = up ? rng.int(5, 40) * 100 : -Math.min(amount, rng.int(2, 60) * 100 * d.adjustmentScale);
    const day = next + rng.int(0, 4);
    const t = day * SECONDS_PER_DAY + businessSecond(rng);
    if (t <= w.endT) {
      w.counters.adjustment++;
      const reason = up ? '补收漏计费用' : rng.pick(ADJUST_DOWN);
      const approver = rng.chance(0.1) ? '' : approverOf(w, i);
      sinks.adjustments.line(
        `TZ${String(w.counters.adjustment).padStart(9, '0')},${sid},${month},${cal.stamp(t)},${yuan(adj)},${reason},${approver}`,
      );
      due += adj;
      earliestPay = day - next + 1;
    }
  }

  const cls = subs.payClass[i] ?? 0;
  if (cls === PayClass.fake) return;
  maybeDefault(w, i, k);
  const dk = subs.defaultK[i] ?? NO_MONTH;
  if (dk !== NO_MONTH && k >= dk) {
    const repay = subs.repayDay[i] ?? -1;
    if (repay >= 0)
      emitPayment(w, i, month, repay, { ...planPayment(w, i, repay), second: repaySecond(i) }, due);
    return;
  }
  if (due <= 0) return;
  const delay = cls === PayClass.late ? rng.weighted([45, 40, 15]) : 0;
  const payMonthStart = monthStartOf(w, k + 1 + delay);
  const day =
    payMonthStart +
    Math.max(delay === 0 ? earliestPay : 0, rng.chance(0.6) ? rng.int(0, 12) : rng.int(0, 24));
  const pay = rng.chance(0.03) ? Math.ceil(due / 1000) * 1000 + (rng.chance(0.3) ? 5000 : 0) : due;
  emitPayment(w, i, month, day, planPayment(w, i, day), pay);
  if (cls === PayClass.good && rng.chance(0.006)) {
    const pre = monthStartOf(w, k + 1) + rng.int(0, 27);
    emitPayment(w, i, '', pre, planPayment(w, i, pre), rng.pick([5000, 10000, 20000]));
  }
}

/** A fixed time of day for a defaulter's repayment, shared by the payments and the resume order. */
export const repaySecond = (i: number): number => 9 * 3600 + ((i * 7919) % 30_000);

/** A paying subscriber may stop paying from this bill on (the start of the arrears story). */
function maybeDefault(w: World, i: number, k: number): void {
  const { subs, rng } = w;
  if ((subs.defaultK[i] ?? NO_MONTH) !== NO_MONTH || (subs.discPlan[i] ?? -1) >= 0) return;
  if ((subs.status[i] ?? 0) !== Status.normal) return;
  const d = COUNTIES[subs.county[i] ?? 0]!.discipline;
  if (!rng.chance(d.defaultHazard)) return;
  subs.defaultK[i] = k;
  if (rng.chance(d.repayShare)) {
    const rk = k + rng.int(2, 4);
    subs.repayK[i] = rk;
    subs.repayDay[i] = monthStartOf(w, rk) + rng.int(15, 27);
  } else if (rng.chance(d.arrearsDisconnectShare)) {
    subs.arrearsDiscK[i] = k + 3 + rng.int(2, 4);
  }
}

const REFUND_REASONS = ['多缴费退还', '销户退余额', '业务未开通退费', '服务补偿'];

export function maybeRefund(w: World, i: number, day: number): void {
  const { subs, rng, cal, sinks } = w;
  const d = COUNTIES[subs.county[i] ?? 0]!.discipline;
  const fen = rng.int(5, 200) * 100;
  const cash = rng.chance(0.55);
  const outlet = cash ? acceptingOutlet(w, i, 0) : -1;
  const t = day * SECONDS_PER_DAY + businessSecond(rng);
  const approver = rng.chance(d.refundNoApproverShare) ? '' : approverOf(w, i);
  const channel = cash ? 'cash' : rng.chance(0.6) ? 'bank' : 'online';
  w.counters.refund++;
  sinks.refunds.line(
    `TF${String(w.counters.refund).padStart(9, '0')},${subscriberId(i)},${cal.stamp(t)},${yuan(fen)},${channel},${rng.pick(REFUND_REASONS)},${approver},${cash ? (OUTLETS[outlet]?.code ?? '') : ''},${cash ? operatorId(outlet, rng) : ''}`,
  );
  if (cash) addCash(w, outlet, day, -fen);
}

export function emitDeposit(w: World, i: number, t: number, kind: 'collect' | 'refund', sn: string): void {
  const product = PRODUCTS[w.subs.product[i] ?? 0];
  if (!product || t > w.endT) return;
  w.counters.deposit++;
  w.sinks.deposits.line(
    `YJ${String(w.counters.deposit).padStart(9, '0')},${subscriberId(i)},${w.cal.stamp(t)},${kind},${yuan(product.depositFen)},${sn}`,
  );
  if (kind === 'collect') w.subs.flags[i] = (w.subs.flags[i] ?? 0) | Flag.deposit;
}
