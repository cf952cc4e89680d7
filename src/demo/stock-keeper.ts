/**
 * Stock moves. Installations, recoveries and swaps are requested while subscribers are simulated;
 * at the end of each month the keeper supplies the county warehouses on the month's first morning
 * (purchase into the city warehouse, transfer out and in) with exactly what the month needs plus
 * spares, then applies the requests in (moved_at, move_id) order. Stock therefore never goes below
 * zero, and swaps can pick a recycled unit — or, where a county is careless, a new one.
 */
import type { Calendar } from './calendar.js';
import { CABLE_ITEM, COUNTIES, ITEMS, WAREHOUSES } from './city.js';
import type { CsvSink } from './csv-sink.js';
import type { Rng } from './random.js';
import { NONE, subscriberId } from './subscriber-table.js';

type Kind = 'install' | 'cable' | 'recover' | 'swap';
type Request = {
  t: number;
  seq: number;
  kind: Kind;
  county: number;
  item: number;
  sub: number;
  order: string;
  n: number;
};

export const STOCK_HEADER = [
  'move_id',
  'moved_at',
  'warehouse_code',
  'item_code',
  'move_type',
  'quantity',
  'terminal_sn',
  'subscriber_id',
  'order_id',
] as const;

const CITY = 0;
const SPARE_RESERVE = 2;
const CITY_RESERVE = 10;

export const snText = (item: number, sn: number): string => {
  const prefix = ITEMS[item]?.snPrefix ?? 'SN';
  return sn < 0 ? `${prefix}L${String(-sn - 1).padStart(9, '0')}` : `${prefix}${String(sn).padStart(9, '0')}`;
};

export class StockKeeper {
  private readonly buckets = new Map<number, Request[]>();
  private seq = 0;
  private moveNo = 0;
  private readonly nextSn = ITEMS.map(() => 1);
  private readonly cityNew: number[][] = ITEMS.map(() => []);
  private readonly spares: number[][][] = COUNTIES.map(() => ITEMS.map(() => []));
  private readonly recycled: number[][][] = COUNTIES.map(() => ITEMS.map(() => []));
  private readonly recycledMonth: number[][][] = COUNTIES.map(() => ITEMS.map(() => []));
  private cityCable = 0;
  private readonly countyCable = COUNTIES.map(() => 0);

  constructor(
    private readonly rng: Rng,
    private readonly cal: Calendar,
    private readonly sink: CsvSink,
    private readonly sn: Int32Array,
  ) {}

  newSn(item: number): number {
    const n = this.nextSn[item] ?? 1;
    this.nextSn[item] = n + 1;
    return n;
  }

  private add(
    t: number,
    kind: Kind,
    county: number,
    item: number,
    sub: number,
    order: string,
    n: number,
  ): void {
    const k = this.cal.monthIndexOf(Math.floor(t / 86_400));
    let list = this.buckets.get(k);
    if (!list) this.buckets.set(k, (list = []));
    list.push({ t, seq: this.seq++, kind, county, item, sub, order, n });
  }

  install(t: number, county: number, item: number, sub: number, order: string, sn: number): void {
    this.add(t, 'install', county, item, sub, order, sn);
  }
  cable(t: number, county: number, sub: number, order: string, metres: number): void {
    this.add(t, 'cable', county, CABLE_ITEM, sub, order, metres);
  }
  recover(t: number, county: number, item: number, sub: number, order: string): void {
    this.add(t, 'recover', county, item, sub, order, 0);
  }
  swap(t: number, county: number, item: number, sub: number): void {
    this.add(t, 'swap', county, item, sub, '', 0);
  }

  private move(
    t: number,
    wh: number,
    item: number,
    type: string,
    qty: number,
    sn: string,
    sub: number,
    order: string,
  ): void {
    this.moveNo++;
    const id = `CK${String(this.moveNo).padStart(10, '0')}`;
    const subText = sub >= 0 ? subscriberId(sub) : '';
    this.sink.line(
      `${id},${this.cal.stamp(t)},${WAREHOUSES[wh]?.code ?? ''},${ITEMS[item]?.code ?? ''},${type},${qty},${sn},${subText},${order}`,
    );
  }

  /** Supply the month on its first morning, then apply its requests in time order. */
  runMonth(k: number, discipline: (county: number) => number): void {
    const list = (this.buckets.get(k) ?? []).sort((a, b) => a.t - b.t || a.seq - b.seq);
    this.buckets.delete(k);
    const day1 = this.cal.monthStart(k) * 86_400;
    this.supply(day1, list);

    for (const r of list) {
      const wh = r.county + 1;
      switch (r.kind) {
        case 'install':
          this.move(r.t, wh, r.item, 'install_out', 1, snText(r.item, r.n), r.sub, r.order);
          break;
        case 'cable':
          this.countyCable[r.county] = (this.countyCable[r.county] ?? 0) - r.n;
          this.move(r.t, wh, r.item, 'install_out', r.n, '', r.sub, r.order);
          break;
        case 'recover': {
          const sn = this.sn[r.sub] ?? NONE;
          if (sn === NONE) break;
          this.recycled[r.county]?.[r.item]?.push(sn);
          this.recycledMonth[r.county]?.[r.item]?.push(k);
          this.move(r.t, wh, r.item, 'recover_in', 1, snText(r.item, sn), r.sub, r.order);
          break;
        }
        case 'swap':
          this.swapOut(r, wh, discipline(r.county));
          break;
        default: {
          const never: never = r.kind;
          throw new Error(`unknown request ${String(never)}`);
        }
      }
    }
    this.scrapOld(k);
  }

  private swapOut(r: Request, wh: number, newUnitShare: number): void {
    const recycled = this.recycled[r.county]?.[r.item] ?? [];
    const spares = this.spares[r.county]?.[r.item] ?? [];
    const careless = this.rng.chance(newUnitShare);
    let sn: number | undefined;
    if (recycled.length > 0 && !(careless && spares.length > 0)) {
      sn = recycled.pop();
      this.recycledMonth[r.county]?.[r.item]?.pop();
    } else {
      sn = spares.pop();
    }
    if (sn === undefined) return;
    this.sn[r.sub] = sn;
    this.move(r.t, wh, r.item, 'swap_out', 1, snText(r.item, sn), r.sub, '');
  }

  private supply(day1: number, list: readonly Request[]): void {
    const installs = COUNTIES.map(() => ITEMS.map((): number[] => []));
    const swaps = COUNTIES.map(() => ITEMS.map(() => 0));
    const cable = COUNTIES.map(() => 0);
    for (const r of list) {
      if (r.kind === 'install') installs[r.county]?.[r.item]?.push(r.n);
      else if (r.kind === 'swap') swaps[r.county]![r.item]! += 1;
      else if (r.kind === 'cable') cable[r.county]! += r.n;
    }
    // what each county warehouse receives this morning, unit by unit
    const transfers: { county: number; item: number; sn: number }[] = [];
    const buy: number[][] = ITEMS.map(() => []);
    COUNTIES.forEach((_, c) => {
      ITEMS.forEach((it, item) => {
        if (!it.serialized) return;
        for (const sn of installs[c]?.[item] ?? []) {
          buy[item]?.push(sn);
          transfers.push({ county: c, item, sn });
        }
        const spares = this.spares[c]![item]!;
        const want = Math.max(0, (swaps[c]?.[item] ?? 0) + SPARE_RESERVE - spares.length);
        const city = this.cityNew[item]!;
        for (let j = 0; j < want; j++) {
          let sn = city.shift();
          if (sn === undefined) {
            sn = this.newSn(item);
            buy[item]?.push(sn);
          }
          spares.push(sn);
          transfers.push({ county: c, item, sn });
        }
      });
    });
    ITEMS.forEach((it, item) => {
      if (!it.serialized) return;
      const city = this.cityNew[item]!;
      while (city.length < CITY_RESERVE) {
        const sn = this.newSn(item);
        buy[item]?.push(sn);
        city.push(sn);
      }
    });
    for (let item = 0; item < ITEMS.length; item++) {
      for (const sn of buy[item] ?? [])
        this.move(day1 + 7 * 3600, CITY, item, 'purchase_in', 1, snText(item, sn), -1, '');
    }
    // cable: bought in whole drums of 1000 m, sent out in 100 m lots with a reserve
    const sendCable = cable.map(
      (need, c) => Math.ceil(Math.max(0, need + 300 - (this.countyCable[c] ?? 0)) / 100) * 100,
    );
    const totalSend = sendCable.reduce((a, b) => a + b, 0);
    const buyCable = Math.ceil(Math.max(0, totalSend + 2000 - this.cityCable) / 1000) * 1000;
    if (buyCable > 0) {
      this.cityCable += buyCable;
      this.move(day1 + 7 * 3600, CITY, CABLE_ITEM, 'purchase_in', buyCable, '', -1, '');
    }
    for (const tr of transfers)
      this.move(day1 + 8 * 3600, CITY, tr.item, 'transfer_out', 1, snText(tr.item, tr.sn), -1, '');
    for (const q of sendCable) {
      if (q > 0) this.move(day1 + 8 * 3600, CITY, CABLE_ITEM, 'transfer_out', q, '', -1, '');
    }
    for (const tr of transfers)
      this.move(
        day1 + 8 * 3600 + 600,
        tr.county + 1,
        tr.item,
        'transfer_in',
        1,
        snText(tr.item, tr.sn),
        -1,
        '',
      );
    sendCable.forEach((q, c) => {
      if (q <= 0) return;
      this.cityCable -= q;
      this.countyCable[c] = (this.countyCable[c] ?? 0) + q;
      this.move(day1 + 8 * 3600 + 600, c + 1, CABLE_ITEM, 'transfer_in', q, '', -1, '');
    });
  }

  /** Recycled units recovered in earlier months: the oldest tenth is scrapped on the month's last day. */
  private scrapOld(k: number): void {
    const last = Math.min(this.cal.monthStart(k + 1) - 1, this.cal.asOfDay);
    const t = last * 86_400 + 20 * 3600 + 30 * 60;
    COUNTIES.forEach((_, c) => {
      ITEMS.forEach((it, item) => {
        if (!it.serialized) return;
        const units = this.recycled[c]![item]!;
        const months = this.recycledMonth[c]![item]!;
        let eligible = 0;
        while (eligible < months.length && (months[eligible] ?? k) < k) eligible++;
        const n = Math.floor(eligible / 10);
        if (n === 0) return;
        const gone = units.splice(0, n);
        months.splice(0, n);
        for (const sn of gone) this.move(t, c + 1, item, 'scrap', 1, snText(item, sn), -1, '');
      });
    });
  }
}
