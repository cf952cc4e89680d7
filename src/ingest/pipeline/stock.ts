/**
 * Stock may never go below zero, per warehouse and item, with moves applied in (moved_at, move_id)
 * order. Pure: given one group's moves in that order (stored moves and the file's moves), decide which
 * of the file's moves are rejected. Stored moves are never rejected; a file move that would push any
 * later move below zero is. File moves that add stock are kept; the file's outgoing moves are decided
 * in order, each against the moves kept so far, so the move that is rejected is the one where the
 * stock runs out, not an earlier one.
 */
export type StockMove = { moveId: string; movedAt: string; delta: number; rowNo: number | null };

export type StockReject = {
  rowNo: number;
  moveId: string;
  /** the stock after the rejected move, or at `later` when that is where it would go negative */
  balance: number;
  later: { moveId: string; movedAt: string } | null;
};

export function resolveStock(moves: readonly StockMove[]): StockReject[] {
  const n = moves.length;
  const decided = (m: StockMove) => m.rowNo === null || m.delta >= 0;
  // prefix sums of everything but the undecided (file, outgoing) moves
  const p0: number[] = new Array<number>(n);
  let run = 0;
  for (let i = 0; i < n; i++) {
    const m = moves[i] as StockMove;
    if (decided(m)) run += m.delta;
    p0[i] = run;
  }
  // suffix minimum of p0 and the first index where it is reached
  const sufMin: number[] = new Array<number>(n);
  const sufIdx: number[] = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    const v = p0[i] as number;
    if (i === n - 1 || v <= (sufMin[i + 1] as number)) {
      sufMin[i] = v;
      sufIdx[i] = i;
    } else {
      sufMin[i] = sufMin[i + 1] as number;
      sufIdx[i] = sufIdx[i + 1] as number;
    }
  }
  const rejects: StockReject[] = [];
  // every kept outgoing move so far lies before i, so it lowers all of p0[i..] alike
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const m = moves[i] as StockMove;
    if (decided(m) || m.rowNo === null) continue;
    const own = (p0[i] as number) + kept + m.delta;
    const low = (sufMin[i] as number) + kept + m.delta;
    if (low >= 0) {
      kept += m.delta;
      continue;
    }
    if (own < 0) {
      rejects.push({ rowNo: m.rowNo, moveId: m.moveId, balance: own, later: null });
    } else {
      const at = moves[sufIdx[i] as number] as StockMove;
      rejects.push({
        rowNo: m.rowNo,
        moveId: m.moveId,
        balance: low,
        later: { moveId: at.moveId, movedAt: at.movedAt },
      });
    }
  }
  return rejects;
}

/** Move types that add stock; every other type takes it away. */
export const IN_MOVE_TYPES: readonly string[] = ['purchase_in', 'recover_in', 'transfer_in'];

/** Signed quantity of a move: incoming types add, the others take away. */
export const moveDelta = (moveType: string, quantity: number): number =>
  IN_MOVE_TYPES.includes(moveType) ? quantity : -quantity;
