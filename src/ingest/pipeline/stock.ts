import { sql, type RawBuilder } from 'kysely';

/**
 * Stock may never go below zero, per warehouse and item, with moves applied in (moved_at, move_id)
 * order. Pure: given one group's events in that order, decide which of the file's rows are rejected.
 *
 * A file row either lands (its version is in the final stock) or is rejected (the stored move it
 * replaces, if any, stays). So a group holds three kinds of events: stored moves the file leaves
 * alone, stored moves a file row replaces ('old': present only if that row is rejected) and the file's
 * versions ('new': present only if the row lands). A row that moves a stored move to another warehouse
 * or item has its 'old' event in one group and its 'new' event in the other; the caller re-checks the
 * groups after each round of rejections, so a rejection that hurts another group is caught there.
 *
 * Stored moves are never rejected. The floor at each position is zero, or the stored stock there when
 * the stored moves alone already are below zero: the file is not blamed for what is already stored, only
 * for making it worse.
 *
 * Rows whose acceptance never lowers the stock at any position (new incoming moves, an incoming move
 * made larger or earlier, an outgoing one made smaller or later) are accepted first. The other rows
 * are decided in the order of the first position where they lower the stock, each against the rows
 * accepted so far, so the row rejected is the one where the stock runs out, not an earlier one.
 */
type EventBase = {
  /** position in (moved_at, move_id) order, 0-based and dense; two versions of a move at one time share it */
  pos: number;
  moveId: string;
  /** as shown in messages */
  movedAt: string;
  /** signed quantity (see moveDelta) */
  delta: number;
};

export type StockEvent = EventBase &
  (
    | { version: 'stored' }
    | { version: 'old'; rowNo: number }
    | {
        version: 'new';
        rowNo: number;
        /** the row replaces a stored move, maybe in another group */ replaces: boolean;
      }
  );

export type StockReject = {
  rowNo: number;
  moveId: string;
  /** the row replaces a stored move (rather than adding a new one) */
  replaces: boolean;
  /** the stock at `at`, had the row landed */
  balance: number;
  /** the first move where the stock would go below its floor */
  at: { moveId: string; movedAt: string };
};

type Step = { pos: number; delta: number };
type RowChange = { rowNo: number; moveId: string; replaces: boolean; steps: Step[]; firstLow: number | null };

export function resolveStock(events: readonly StockEvent[]): StockReject[] {
  const n = events.length === 0 ? 0 : (events[events.length - 1] as StockEvent).pos + 1;
  const at: { moveId: string; movedAt: string }[] = new Array<{ moveId: string; movedAt: string }>(n);
  // stored stock per position (every row rejected) and the floor it sets
  const stored = new Array<number>(n).fill(0);
  const rows = new Map<number, RowChange>();
  for (const e of events) {
    at[e.pos] ??= { moveId: e.moveId, movedAt: e.movedAt };
    if (e.version !== 'new') stored[e.pos] = (stored[e.pos] as number) + e.delta;
    if (e.version === 'stored') continue;
    const row = rows.get(e.rowNo) ?? {
      rowNo: e.rowNo,
      moveId: e.moveId,
      replaces: false,
      steps: [],
      firstLow: null,
    };
    // landing the row adds its version and takes the stored one away
    row.steps.push({ pos: e.pos, delta: e.version === 'new' ? e.delta : -e.delta });
    if (e.version === 'old' || e.replaces) row.replaces = true;
    rows.set(e.rowNo, row);
  }
  const floor = new Array<number>(n);
  const slack = new Array<number>(n);
  let run = 0;
  for (let i = 0; i < n; i++) {
    run += stored[i] as number;
    floor[i] = Math.min(0, run);
    slack[i] = run - (floor[i] as number);
  }
  // slack = stock − floor per position, for the current choice of rows (all rejected to start with)
  const tree = new MinTree(slack);
  const apply = (row: RowChange, sign: 1 | -1) => {
    for (const s of row.steps) tree.addFrom(s.pos, sign * s.delta);
  };
  const undecided: RowChange[] = [];
  for (const row of rows.values()) {
    row.steps.sort((a, b) => a.pos - b.pos);
    let cum = 0;
    row.steps.forEach((s, i) => {
      cum += s.delta;
      // both versions of a move at one time: only their sum counts
      if (row.steps[i + 1]?.pos === s.pos) return;
      if (cum < 0 && row.firstLow === null) row.firstLow = s.pos;
    });
    if (row.firstLow === null) apply(row, 1);
    else undecided.push(row);
  }
  undecided.sort((a, b) => (a.firstLow as number) - (b.firstLow as number) || a.rowNo - b.rowNo);
  const rejects: StockReject[] = [];
  for (const row of undecided) {
    apply(row, 1);
    // before firstLow the row only raises the stock, and what was accepted so far is within its floors
    const low = tree.firstBelowZero(row.firstLow as number);
    if (low === null) continue;
    apply(row, -1);
    rejects.push({
      rowNo: row.rowNo,
      moveId: row.moveId,
      replaces: row.replaces,
      balance: low.value + (floor[low.index] as number),
      at: at[low.index] as { moveId: string; movedAt: string },
    });
  }
  return rejects;
}

/** Range add on a suffix, and the first position at or after some index whose value is below zero. */
class MinTree {
  private readonly min: number[];
  private readonly lazy: number[];
  private readonly n: number;

  constructor(values: readonly number[]) {
    this.n = values.length;
    this.min = new Array<number>(4 * Math.max(1, this.n)).fill(0);
    this.lazy = new Array<number>(4 * Math.max(1, this.n)).fill(0);
    if (this.n > 0) this.build(1, 0, this.n - 1, values);
  }

  addFrom(from: number, delta: number): void {
    if (delta !== 0 && from < this.n) this.add(1, 0, this.n - 1, from, delta);
  }

  firstBelowZero(from: number): { index: number; value: number } | null {
    return this.n === 0 ? null : this.find(1, 0, this.n - 1, from);
  }

  private build(node: number, lo: number, hi: number, values: readonly number[]): void {
    if (lo === hi) {
      this.min[node] = values[lo] as number;
      return;
    }
    const mid = (lo + hi) >> 1;
    this.build(2 * node, lo, mid, values);
    this.build(2 * node + 1, mid + 1, hi, values);
    this.pull(node);
  }

  private pull(node: number): void {
    this.min[node] =
      Math.min(this.min[2 * node] as number, this.min[2 * node + 1] as number) + (this.lazy[node] as number);
  }

  /** add `delta` to every position in [from, hi] under `node` */
  private add(node: number, lo: number, hi: number, from: number, delta: number): void {
    if (hi < from) return;
    if (from <= lo) {
      this.min[node] = (this.min[node] as number) + delta;
      this.lazy[node] = (this.lazy[node] as number) + delta;
      return;
    }
    const mid = (lo + hi) >> 1;
    this.add(2 * node, lo, mid, from, delta);
    this.add(2 * node + 1, mid + 1, hi, from, delta);
    this.pull(node);
  }

  /** `above`: the adds pending from the ancestors (they are kept on the nodes, never pushed down) */
  private find(
    node: number,
    lo: number,
    hi: number,
    from: number,
    above = 0,
  ): { index: number; value: number } | null {
    if (hi < from || (this.min[node] as number) + above >= 0) return null;
    if (lo === hi) return { index: lo, value: (this.min[node] as number) + above };
    const mid = (lo + hi) >> 1;
    const down = above + (this.lazy[node] as number);
    return this.find(2 * node, lo, mid, from, down) ?? this.find(2 * node + 1, mid + 1, hi, from, down);
  }
}

/** Move types that add stock; every other type takes it away. */
export const IN_MOVE_TYPES: readonly string[] = ['purchase_in', 'recover_in', 'transfer_in'];

/** Signed quantity of a move: incoming types add, the others take away. */
export const moveDelta = (moveType: string, quantity: number): number =>
  IN_MOVE_TYPES.includes(moveType) ? quantity : -quantity;

/** moveDelta in SQL, for the stock_moves row (or row-shaped relation) aliased `alias`. */
export const moveDeltaSql = (alias: string): RawBuilder<unknown> => {
  const q = sql.ref(`${alias}.quantity`);
  return sql`case when ${sql.ref(`${alias}.move_type`)} in (${sql.join(IN_MOVE_TYPES)}) then ${q} else -${q} end`;
};

/**
 * A move's time as its messages show it: 'YYYY-MM-DD HH:MI' local time, with seconds only when there
 * are some (as the BSS writes it). One definition for the import's and the undo's messages.
 */
export const movedAtText = (alias: string): RawBuilder<unknown> => {
  const t = sql.ref(`${alias}.moved_at`);
  return sql`to_char(${t} at time zone 'Asia/Shanghai',
    case when extract(second from ${t}) = 0 then 'YYYY-MM-DD HH24:MI' else 'YYYY-MM-DD HH24:MI:SS' end)`;
};
