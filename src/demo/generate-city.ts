/**
 * `generateDemoCity`: a complete, internally consistent demo city as data-contract CSV files,
 * a pure function of (subscribers, seed, asOf). Rows are streamed to disk month by month; only the
 * per-subscriber state (typed arrays) and a few small aggregates stay in memory.
 */
import fs from 'node:fs';
import { isIsoDate, splitDate, type IsoDate } from '../core/dates.js';
import { ValidationError } from '../core/errors.js';
import { Calendar, dayNumber, SECONDS_PER_DAY } from './calendar.js';
import { COUNTIES, OUTLETS } from './city.js';
import { CsvSink } from './csv-sink.js';
import { initSubscriber, subscriberMonth } from './lifecycle.js';
import { createRng, type Rng } from './random.js';
import { HEADERS, writeReference, writeSubscribers } from './reference-data.js';
import { StockKeeper } from './stock-keeper.js';
import { SubscriberTable } from './subscriber-table.js';
import { DATASETS, yuan, type Dataset, type World } from './world.js';

export const DEFAULT_AS_OF: IsoDate = '2026-11-27';
export const DEFAULT_SUBSCRIBERS = 20_000;
const FULL_MONTHS = 24;
/** Share of subscribers already installed when the window opens. */
const BASE_SHARE = 0.62;
const EARLIEST_INSTALL = dayNumber('2012-01-01');

export type DemoProgress = { month: string; monthsDone: number; months: number };

export type DemoOptions = {
  subscribers: number;
  seed: number;
  outDir: string;
  asOf?: IsoDate;
  onProgress?: (p: DemoProgress) => void;
};

export type DemoResult = { asOf: IsoDate; files: { dataset: Dataset; file: string; rows: number }[] };

function validate(opts: DemoOptions): IsoDate {
  const asOf = opts.asOf ?? DEFAULT_AS_OF;
  if (!Number.isSafeInteger(opts.subscribers) || opts.subscribers < 1 || opts.subscribers > 20_000_000) {
    throw new ValidationError(
      '用户数必须是 1 到 20,000,000 之间的整数',
      'subscribers must be an integer from 1 to 20,000,000',
      {
        subscribers: opts.subscribers,
      },
    );
  }
  if (!Number.isSafeInteger(opts.seed)) {
    throw new ValidationError('随机种子必须是整数', 'seed must be an integer', { seed: opts.seed });
  }
  if (!isIsoDate(asOf) || asOf < '2000-01-01') {
    throw new ValidationError(
      '截止日期必须是 YYYY-MM-DD 格式的有效日期',
      'as-of must be a valid date YYYY-MM-DD',
      { asOf },
    );
  }
  return asOf;
}

/** New installations per month: some growth, spring and autumn campaigns, the last month pro rata. */
function installsPerMonth(total: number, cal: Calendar, months: number, lastFraction: number): number[] {
  const weights = Array.from({ length: months }, (_, k) => {
    const m = Number(cal.month(k).slice(5));
    const season = m === 3 || m === 4 || m === 9 ? 1.35 : m === 2 ? 0.7 : 1;
    return (1 + k * 0.01) * season * (k === months - 1 ? lastFraction : 1);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((x) => Math.floor((total * x) / sum));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; left > 0; k = (k + 1) % months, left--) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function generateDemoCity(opts: DemoOptions): Promise<DemoResult> {
  const asOf = validate(opts);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const n = opts.subscribers;
  const rng = createRng(opts.seed);
  const cal = new Calendar(asOf, FULL_MONTHS);
  const windowStart = cal.monthStart(0);
  const span = cal.asOfDay - windowStart + 1;
  const sinks = Object.fromEntries(
    DATASETS.map((d) => [d, new CsvSink(d, opts.outDir, HEADERS[d])]),
  ) as Record<Dataset, CsvSink>;
  const subs = new SubscriberTable(n);
  const w: World = {
    rng,
    cal,
    subs,
    sinks,
    stock: new StockKeeper(rng, cal, sinks.stock_moves, subs.sn),
    fullMonths: FULL_MONTHS,
    monthStart: [],
    windowStart,
    endT: (cal.asOfDay + 1) * SECONDS_PER_DAY - 1,
    cash: new Float64Array(OUTLETS.length * span),
    counters: { order: 0, payment: 0, refund: 0, adjustment: 0, deposit: 0, contract: 0 },
  };
  try {
    writeReference(sinks);
    const base = Math.min(n, Math.round(n * BASE_SHARE));
    for (let i = 0; i < base; i++) {
      const u = rng.float();
      // older installations are rarer: the base thins out towards 2012
      initSubscriber(w, i, Math.max(EARLIEST_INSTALL, windowStart - 1 - Math.floor(u * u * 365 * 12)), true);
    }
    const months = FULL_MONTHS + 1;
    const [, , asOfDom] = splitDate(asOf);
    const lastFraction = asOfDom / (cal.monthStart(months) - cal.monthStart(months - 1));
    const perMonth = installsPerMonth(n - base, cal, months, lastFraction);
    let installed = base;
    for (let k = 0; k < months; k++) {
      const ms = cal.monthStart(k);
      const lastDay = Math.min(cal.monthStart(k + 1) - 1, cal.asOfDay);
      const firstNew = installed;
      installed += perMonth[k] ?? 0;
      for (let i = firstNew; i < installed; i++) initSubscriber(w, i, rng.int(ms, lastDay), false);
      for (let i = 0; i < installed; i++) {
        subscriberMonth(w, i, k);
        if ((i & 0x3fff) === 0x3fff) await yieldToLoop();
      }
      w.stock.runMonth(k, (c) => COUNTIES[c]?.discipline.newUnitSwapShare ?? 0);
      opts.onProgress?.({ month: cal.month(k), monthsDone: k + 1, months });
      await yieldToLoop();
    }
    writeSubscribers(sinks.subscribers, subs, cal, opts.seed);
    writeCashDeposits(w, rng, span);
  } finally {
    for (const s of Object.values(sinks)) s.close();
  }
  return { asOf, files: DATASETS.map((d) => ({ dataset: d, file: sinks[d].file, rows: sinks[d].rows })) };
}

/** What each outlet banked per business day: the net cash, except on the days a county slips. */
function writeCashDeposits(w: World, rng: Rng, span: number): void {
  OUTLETS.forEach((o, oi) => {
    const d = COUNTIES[o.county]!.discipline;
    for (let day = 0; day < span; day++) {
      const expected = w.cash[oi * span + day] ?? 0;
      if (expected <= 0 || rng.chance(d.unbankedDayRate)) continue;
      let banked = expected;
      if (rng.chance(d.shortBankRate)) banked -= Math.min(expected - 1, rng.int(1, 50) * 1000);
      const date = w.cal.date(w.windowStart + day);
      const slip = `JK${o.code.slice(1)}${date.replaceAll('-', '')}`;
      if (banked > 20_000 && rng.chance(0.05)) {
        const first = Math.floor(banked / 2);
        w.sinks.cash_deposits.line(`${o.code},${date},${slip}1,${yuan(first)}`);
        w.sinks.cash_deposits.line(`${o.code},${date},${slip}2,${yuan(banked - first)}`);
      } else {
        w.sinks.cash_deposits.line(`${o.code},${date},${slip}1,${yuan(banked)}`);
      }
    }
  });
}
