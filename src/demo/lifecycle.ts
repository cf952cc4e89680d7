/**
 * One subscriber, one month: installation, arrears stops and resumes, contract renewals and lapses,
 * package changes, warranty swaps, refunds, disconnection (with terminal recovery and deposit refund),
 * then the month's bill. Events of one subscriber within a month are placed in increasing time so
 * that order ids follow order dates.
 */
import { SECONDS_PER_DAY } from './calendar.js';
import { COUNTIES, DISCONNECT_REASONS, OUTLETS_OF, PACKAGES, PACKAGES_OF, PRODUCTS } from './city.js';
import {
  billMonth,
  canBeZeroFee,
  emitDeposit,
  maybeRefund,
  repaySecond,
  startContract,
} from './money-flows.js';
import { snText } from './stock-keeper.js';
import { Flag, NO_MONTH, NONE, PayClass, Status } from './subscriber-table.js';
import { businessSecond, emitOrder, monthStartOf, type World } from './world.js';

const COUNTY_WEIGHTS = COUNTIES.map((c) => c.weight);
const PRODUCT_WEIGHTS = PRODUCTS.map((p) => p.weight);
const REASON = (r: (typeof DISCONNECT_REASONS)[number]): number => DISCONNECT_REASONS.indexOf(r);

/** Draw a subscriber's attributes. Base subscribers (installed before the window) get legacy terminals. */
export function initSubscriber(w: World, i: number, installDay: number, base: boolean): void {
  const { rng, subs } = w;
  const c = rng.weighted(COUNTY_WEIGHTS);
  const d = COUNTIES[c]!.discipline;
  const p = rng.weighted(PRODUCT_WEIGHTS);
  const pkgs = PACKAGES_OF[p] ?? [];
  const pk = pkgs[rng.weighted(pkgs.map((x) => PACKAGES[x]?.weight ?? 0))] ?? 0;
  subs.county[i] = c;
  subs.outlet[i] = rng.pick(OUTLETS_OF[c] ?? [0]);
  subs.product[i] = p;
  subs.pkg[i] = pk;
  subs.install[i] = installDay;
  const pack = PACKAGES[pk]!;
  let flags = rng.chance(0.5) ? Flag.missingZeroBill : 0;
  if (canBeZeroFee(pack) && rng.chance(0.35)) flags |= Flag.dormant;
  subs.flags[i] = flags;
  if (!base && pack.billing !== 'prepaid' && rng.chance(d.fakeInstallShare)) {
    subs.payClass[i] = PayClass.fake;
    subs.discPlan[i] = installDay + rng.int(45, 150);
    subs.discReason[i] = REASON('fake_user');
  } else if (pack.billing !== 'prepaid' && rng.chance(d.latePayShare)) {
    subs.payClass[i] = PayClass.late;
  }
  if (base) {
    if (PRODUCTS[p]?.needsTerminal) subs.sn[i] = -(i + 2);
    if (pack.billing === 'prepaid')
      startContract(w, i, Math.max(installDay, w.windowStart - rng.int(1, 364)));
  }
}

function emitInstall(w: World, i: number): void {
  const { rng, subs, stock } = w;
  const c = subs.county[i] ?? 0;
  const d = COUNTIES[c]!.discipline;
  const product = PRODUCTS[subs.product[i] ?? 0]!;
  const day = subs.install[i] ?? 0;
  const t = day * SECONDS_PER_DAY + businessSecond(rng);
  const order = emitOrder(w, i, 'new_install', t, '');
  let sn = '';
  if (product.needsTerminal) {
    const n = stock.newSn(product.item);
    subs.sn[i] = n;
    sn = snText(product.item, n);
    if (!rng.chance(d.missingInstallOutRate)) stock.install(t, c, product.item, i, order, n);
  }
  if (product.cable[1] > 0) stock.cable(t, c, i, order, rng.int(product.cable[0], product.cable[1]));
  const fake = subs.payClass[i] === PayClass.fake;
  if (product.needsDeposit && !rng.chance(fake ? 0.8 : d.depositMissRate)) {
    const late = rng.chance(0.85) ? 0 : rng.chance(0.7) ? rng.int(1, 5) : rng.int(8, 25);
    emitDeposit(w, i, t + late * SECONDS_PER_DAY + rng.int(0, 600), 'collect', sn);
  }
  if (PACKAGES[subs.pkg[i] ?? 0]?.billing === 'prepaid') startContract(w, i, day);
}

function disconnect(w: World, i: number, day: number): void {
  const { rng, subs, stock } = w;
  const c = subs.county[i] ?? 0;
  const d = COUNTIES[c]!.discipline;
  const product = PRODUCTS[subs.product[i] ?? 0]!;
  const reason = DISCONNECT_REASONS[subs.discReason[i] ?? 0] ?? 'other';
  const t = day * SECONDS_PER_DAY + businessSecond(rng);
  const order = emitOrder(w, i, 'disconnect', t, reason);
  subs.status[i] = Status.disconnected;
  subs.disc[i] = day;
  subs.discPlan[i] = NONE;
  if (product.needsTerminal && (subs.sn[i] ?? NONE) !== NONE) {
    if (rng.chance(reason === 'fake_user' ? d.recoverRate * 0.3 : d.recoverRate)) {
      const offset = rng.chance(d.lateRecoverShare) ? rng.int(31, 75) : rng.int(0, 25);
      const rt = (day + offset) * SECONDS_PER_DAY + businessSecond(rng);
      if (rt <= w.endT) stock.recover(rt, c, product.item, i, order);
    }
  }
  if ((subs.flags[i] ?? 0) & Flag.deposit && reason !== 'arrears' && reason !== 'fake_user') {
    const sn = (subs.sn[i] ?? NONE) !== NONE ? snText(product.item, subs.sn[i] ?? 0) : '';
    emitDeposit(w, i, t + rng.int(0, 10) * SECONDS_PER_DAY + 600, 'refund', sn);
  }
}

/** Arrears: single stop two months after the first unpaid bill, dual stop a month later, resume on repayment. */
function arrearsEvents(w: World, i: number, k: number, lastDay: number): boolean {
  const { rng, subs } = w;
  const dk = subs.defaultK[i] ?? NO_MONTH;
  if (dk === NO_MONTH) return false;
  const rk = subs.repayK[i] ?? NO_MONTH;
  const ms = monthStartOf(w, k);
  let busy = false;
  const stillOwing = rk === NO_MONTH || rk >= k;
  const stop = (type: 'single_stop' | 'dual_stop', st: number, reason: string): void => {
    const day = ms + rng.int(2, 13);
    if (day > lastDay) return;
    emitOrder(w, i, type, day * SECONDS_PER_DAY + businessSecond(rng), reason);
    subs.status[i] = st;
    busy = true;
  };
  if (k === dk + 2 && stillOwing && subs.status[i] === Status.normal)
    stop('single_stop', Status.single_stop, '欠费单停');
  if (k === dk + 3 && stillOwing && subs.status[i] === Status.single_stop)
    stop('dual_stop', Status.dual_stop, '欠费双停');
  if (k === rk) {
    const day = subs.repayDay[i] ?? 0;
    if (day <= lastDay) {
      if (subs.status[i] === Status.single_stop || subs.status[i] === Status.dual_stop) {
        emitOrder(w, i, 'resume', day * SECONDS_PER_DAY + repaySecond(i) + 300, '缴清欠费复机');
        subs.status[i] = Status.normal;
        busy = true;
      }
      subs.defaultK[i] = NO_MONTH;
      subs.repayK[i] = NO_MONTH;
      subs.repayDay[i] = NONE;
    }
  }
  if (rk === NO_MONTH && k === subs.arrearsDiscK[i] && (subs.discPlan[i] ?? NONE) === NONE) {
    subs.discPlan[i] = ms + rng.int(14, 27);
    subs.discReason[i] = REASON('arrears');
  }
  return busy;
}

/** A prepaid term ending this month: renew (mostly on time), lapse to a monthly package, or leave. */
function contractEnd(w: World, i: number, k: number, lastDay: number): boolean {
  const { rng, subs } = w;
  const end = subs.ctEnd[i] ?? NONE;
  if (end < monthStartOf(w, k) || end > Math.min(lastDay, monthStartOf(w, k + 1) - 1)) return false;
  if (subs.status[i] !== Status.normal) return false;
  const d = COUNTIES[subs.county[i] ?? 0]!.discipline;
  if (rng.chance(d.renewShare)) {
    const r = rng.float();
    const start = end + (r < 0.8 ? 1 : r < 0.95 ? rng.int(2, 25) : rng.int(35, 70));
    if (start <= w.cal.asOfDay) startContract(w, i, start);
    return false;
  }
  if (rng.chance(0.5)) {
    subs.discPlan[i] = end + rng.int(1, 20);
    subs.discReason[i] = REASON('voluntary');
    return true;
  }
  const monthly = (PACKAGES_OF[subs.product[i] ?? 0] ?? []).filter((x) => PACKAGES[x]?.billing === 'monthly');
  const to = monthly[0];
  if (to === undefined) return false;
  emitOrder(w, i, 'package_change', end * SECONDS_PER_DAY + businessSecond(rng), '包年到期转包月');
  subs.pkg[i] = to;
  subs.ctEnd[i] = NONE;
  return true;
}

const CHURN_REASONS = [REASON('voluntary'), REASON('relocation'), REASON('other'), REASON('fake_user')];

export function subscriberMonth(w: World, i: number, k: number): void {
  const { rng, subs } = w;
  const ms = monthStartOf(w, k);
  const disc = subs.disc[i] ?? NONE;
  if (disc !== NONE && disc < ms) return;
  const lastDay = Math.min(monthStartOf(w, k + 1) - 1, w.cal.asOfDay);
  const installedNow = (subs.install[i] ?? 0) >= ms;
  if (installedNow) emitInstall(w, i);
  const pkgAtStart = subs.pkg[i] ?? 0;
  const statusAtStart = subs.status[i] ?? 0;

  let busy = installedNow || subs.status[i] === Status.disconnected;
  if (!busy) busy = arrearsEvents(w, i, k, lastDay);
  if (!busy) busy = contractEnd(w, i, k, lastDay);
  const planned = subs.discPlan[i] ?? NONE;
  const plannedNow = planned !== NONE && planned <= lastDay && planned < monthStartOf(w, k + 1);
  const calm = !busy && !plannedNow && subs.status[i] === Status.normal && subs.defaultK[i] === NO_MONTH;
  if (calm && planned === NONE) {
    const d = COUNTIES[subs.county[i] ?? 0]!.discipline;
    const pack = PACKAGES[subs.pkg[i] ?? 0];
    const product = PRODUCTS[subs.product[i] ?? 0]!;
    if (pack?.billing !== 'prepaid' && rng.chance(d.churnHazard)) {
      subs.discPlan[i] = rng.int(ms, lastDay);
      subs.discReason[i] = rng.pick(CHURN_REASONS.slice(0, rng.chance(0.97) ? 3 : 4));
    } else if (pack?.billing === 'monthly' && rng.chance(0.004)) {
      const others = (PACKAGES_OF[subs.product[i] ?? 0] ?? []).filter(
        (x) => x !== subs.pkg[i] && PACKAGES[x]?.billing === 'monthly',
      );
      if (others.length > 0) {
        emitOrder(
          w,
          i,
          'package_change',
          rng.int(ms, lastDay) * SECONDS_PER_DAY + businessSecond(rng),
          '套餐变更',
        );
        subs.pkg[i] = rng.pick(others);
      }
    } else if (product.needsTerminal && (subs.sn[i] ?? NONE) !== NONE && rng.chance(0.004)) {
      w.stock.swap(
        rng.int(ms, lastDay) * SECONDS_PER_DAY + businessSecond(rng),
        subs.county[i] ?? 0,
        product.item,
        i,
      );
    }
  }
  if (subs.status[i] !== Status.disconnected && subs.payClass[i] !== PayClass.fake && rng.chance(0.003)) {
    maybeRefund(w, i, rng.int(installedNow ? (subs.install[i] ?? ms) : ms, lastDay));
  }
  const plan = subs.discPlan[i] ?? NONE;
  if (plan !== NONE && plan <= lastDay && plan < monthStartOf(w, k + 1)) disconnect(w, i, plan);
  if (k < w.fullMonths) billMonth(w, i, k, pkgAtStart, statusAtStart);
}
