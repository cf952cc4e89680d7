import { describe, expect, it } from 'vitest';
import { moveDelta, resolveStock, type StockEvent } from './stock.js';

// events at positions 0, 1, 2… in the order given; `same` puts an event at the previous one's position
type WithoutPos<T> = T extends unknown ? Omit<T, 'pos'> : never;
type E = WithoutPos<StockEvent> & { same?: true };
const seq = (...events: E[]): StockEvent[] => {
  let pos = -1;
  return events.map(({ same, ...e }) => {
    if (!same) pos += 1;
    return { ...e, pos } as StockEvent;
  });
};
const stored = (moveId: string, delta: number): E => ({ moveId, movedAt: moveId, delta, version: 'stored' });
const file = (moveId: string, delta: number, rowNo: number, replaces = false): E => ({
  moveId,
  movedAt: moveId,
  delta,
  version: 'new',
  rowNo,
  replaces,
});
const old = (moveId: string, delta: number, rowNo: number): E => ({
  moveId,
  movedAt: moveId,
  delta,
  version: 'old',
  rowNo,
});
const at = (moveId: string) => ({ moveId, movedAt: moveId });

describe('stock never negative: new moves', () => {
  it('keeps a group that stays at or above zero', () => {
    expect(resolveStock(seq(stored('a', 2), file('b', -1, 2), file('c', -1, 3)))).toEqual([]);
  });

  it('rejects the move where the stock runs out, not the earlier one', () => {
    // 1 in stock; two outgoing moves of 1: the second one leaves -1
    expect(resolveStock(seq(stored('a', 1), file('b', -1, 2), file('c', -1, 3)))).toEqual([
      { rowNo: 3, moveId: 'c', replaces: false, balance: -1, at: at('c') },
    ]);
  });

  it('rejects the file move that would push a later stored move below zero', () => {
    // stock 2; file takes 2 at b; stored move d takes 1 later → -1 at d; the file move is rejected
    expect(resolveStock(seq(stored('a', 2), file('b', -2, 2), stored('d', -1)))).toEqual([
      { rowNo: 2, moveId: 'b', replaces: false, balance: -1, at: at('d') },
    ]);
  });

  it('names the first move where the stock goes negative, not the lowest one', () => {
    // 3 in; file takes 3 at b; stored c takes 1 (-1), stored d takes 2 (-3): c is named
    expect(resolveStock(seq(stored('a', 3), file('b', -3, 2), stored('c', -1), stored('d', -2)))).toEqual([
      { rowNo: 2, moveId: 'b', replaces: false, balance: -1, at: at('c') },
    ]);
  });

  it('counts incoming file moves before deciding the outgoing ones', () => {
    expect(resolveStock(seq(file('a', -3, 2), file('b', 5, 3)))).toEqual([
      { rowNo: 2, moveId: 'a', replaces: false, balance: -3, at: at('a') },
    ]);
    expect(resolveStock(seq(file('a', 5, 2), file('b', -3, 3), file('c', -3, 4), file('d', 1, 5)))).toEqual([
      { rowNo: 4, moveId: 'c', replaces: false, balance: -1, at: at('c') },
    ]);
  });
});

describe('stock never negative: replaced moves', () => {
  // stored M1 +10, M2 -8 (balance 10, 2)
  it('rejects a smaller incoming quantity that a later move relies on', () => {
    // M1 5 instead of 10: 5, then -3 at M2
    expect(
      resolveStock(seq(old('M1', 10, 2), { ...file('M1', 5, 2, true), same: true }, stored('M2', -8))),
    ).toEqual([{ rowNo: 2, moveId: 'M1', replaces: true, balance: -3, at: at('M2') }]);
  });

  it('rejects an incoming move moved after the move that uses it', () => {
    // M2 first: -8 at M2, M1 (+10) only after it
    expect(resolveStock(seq(old('M1', 10, 2), stored('M2', -8), file('M1', 10, 2, true)))).toEqual([
      { rowNo: 2, moveId: 'M1', replaces: true, balance: -8, at: at('M2') },
    ]);
  });

  it('rejects an incoming move moved to another warehouse (only its old version is in this group)', () => {
    expect(resolveStock(seq(old('M1', 10, 2), stored('M2', -8)))).toEqual([
      { rowNo: 2, moveId: 'M1', replaces: true, balance: -8, at: at('M2') },
    ]);
    // in the group it moves to, it only adds stock
    expect(resolveStock(seq(file('M1', 10, 2, true)))).toEqual([]);
  });

  it('accepts an incoming move made larger and earlier', () => {
    // M1 12 at a time before its stored time: 12, 12, 4
    expect(resolveStock(seq(file('M1', 12, 2, true), old('M1', 10, 2), stored('M2', -8)))).toEqual([]);
  });

  it('accepts an incoming move delayed past nothing that needs it', () => {
    // M1 10 moved after M2 +1 (an incoming move): 1, 11, then M3 -8 → 3
    expect(
      resolveStock(seq(old('M1', 10, 2), stored('M2', 1), file('M1', 10, 2, true), stored('M3', -8))),
    ).toEqual([]);
  });

  it('keeps the stored version of a rejected outgoing replacement when deciding the other rows', () => {
    // stored M1 +10, M2 -4; the file raises M2 to 12 (-2 at M2: rejected, so M2 stays at 4: balance 6),
    // M3 takes 7 (6 - 7 = -1: rejected), M4 takes 6 (6 - 6 = 0: kept)
    expect(
      resolveStock(
        seq(
          stored('M1', 10),
          old('M2', -4, 2),
          { ...file('M2', -12, 2, true), same: true },
          file('M3', -7, 3),
          file('M4', -6, 4),
        ),
      ),
    ).toEqual([
      { rowNo: 2, moveId: 'M2', replaces: true, balance: -2, at: at('M2') },
      { rowNo: 3, moveId: 'M3', replaces: false, balance: -1, at: at('M3') },
    ]);
  });

  it('decides a replacement where it starts to lower the stock', () => {
    // stored M1 +5, M4 -5 (balance 5, 0); the file moves M4 earlier, before a new move M3 -5.
    // M4's new version lowers the stock from its new place on (5 - 5 = 0) and is decided first: kept;
    // M3 then leaves 0 - 5 = -5
    expect(
      resolveStock(seq(stored('M1', 5), file('M4', -5, 2, true), file('M3', -5, 3), old('M4', -5, 2))),
    ).toEqual([{ rowNo: 3, moveId: 'M3', replaces: false, balance: -5, at: at('M3') }]);
  });
});

describe('stock never negative: stored data already negative', () => {
  it('does not blame the file for what is stored, only for making it worse', () => {
    // stored -2 (already negative), then +5: the file's -3 leaves 0 at c, as stored before it: fine
    expect(resolveStock(seq(stored('a', -2), stored('b', 5), file('c', -3, 2)))).toEqual([]);
    // a file move that lowers the negative stock further is rejected
    expect(resolveStock(seq(stored('a', -2), file('b', -1, 2)))).toEqual([
      { rowNo: 2, moveId: 'b', replaces: false, balance: -3, at: at('b') },
    ]);
    // one that leaves it as it was is not
    expect(resolveStock(seq(stored('a', -2), file('b', 1, 2), file('c', -1, 3)))).toEqual([]);
  });
});

describe('stock resolution agrees with a direct recomputation', () => {
  // the same greedy rule, recomputing every balance for every decision
  function direct(events: readonly StockEvent[]): number[] {
    const n = (events[events.length - 1]?.pos ?? -1) + 1;
    const rowsOf = [...new Set(events.flatMap((e) => (e.version === 'stored' ? [] : [e.rowNo])))];
    const balances = (accepted: ReadonlySet<number>) => {
      const b = new Array<number>(n).fill(0);
      for (const e of events) {
        const present =
          e.version === 'stored' || (e.version === 'new' ? accepted.has(e.rowNo) : !accepted.has(e.rowNo));
        if (present) b[e.pos] = (b[e.pos] as number) + e.delta;
      }
      for (let i = 1; i < n; i++) b[i] = (b[i] as number) + (b[i - 1] as number);
      return b;
    };
    const floor = balances(new Set()).map((x) => Math.min(0, x));
    const diff = (r: number) => {
      const with_ = balances(new Set([r]));
      const without = balances(new Set());
      return with_.map((x, i) => x - (without[i] as number));
    };
    const firstLow = (r: number) => diff(r).findIndex((x) => x < 0);
    const accepted = new Set(rowsOf.filter((r) => firstLow(r) === -1));
    const order = rowsOf.filter((r) => firstLow(r) !== -1).sort((a, b) => firstLow(a) - firstLow(b) || a - b);
    const rejected: number[] = [];
    for (const r of order) {
      const b = balances(new Set([...accepted, r]));
      if (b.every((x, i) => x >= (floor[i] as number))) accepted.add(r);
      else rejected.push(r);
    }
    return rejected;
  }

  it('on random groups of stored, replaced and new moves', () => {
    let seed = 12345;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    for (let t = 0; t < 300; t++) {
      const items: { key: number; e: E }[] = [];
      const len = 2 + rand(12);
      for (let i = 0; i < len; i++) {
        const delta = (rand(2) === 0 ? 1 : -1) * (1 + rand(6));
        const kind = rand(4);
        const key = rand(20);
        if (kind === 0) items.push({ key, e: stored(`s${i}`, delta) });
        else if (kind === 1) items.push({ key, e: file(`f${i}`, delta, 100 + i) });
        else {
          // a replacement: old and new version at independent times (or the old one elsewhere)
          items.push({ key, e: file(`r${i}`, delta, 100 + i, true) });
          if (kind === 3)
            items.push({ key: rand(20), e: old(`r${i}`, (rand(2) === 0 ? 1 : -1) * (1 + rand(6)), 100 + i) });
        }
      }
      items.sort((a, b) => a.key - b.key);
      const events = seq(...items.map((x) => x.e));
      const got = resolveStock(events).map((r) => r.rowNo);
      expect(got).toEqual(direct(events));
    }
  });
});

describe('move sign', () => {
  it('signs moves by type', () => {
    expect([moveDelta('purchase_in', 3), moveDelta('recover_in', 1), moveDelta('transfer_in', 2)]).toEqual([
      3, 1, 2,
    ]);
    expect([
      moveDelta('install_out', 1),
      moveDelta('swap_out', 1),
      moveDelta('transfer_out', 4),
      moveDelta('scrap', 2),
    ]).toEqual([-1, -1, -4, -2]);
  });
});
