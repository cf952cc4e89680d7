import { describe, expect, it } from 'vitest';
import { moveDelta, resolveStock, type StockMove } from './stock.js';

const stored = (moveId: string, delta: number): StockMove => ({
  moveId,
  movedAt: moveId,
  delta,
  rowNo: null,
});
const file = (moveId: string, delta: number, rowNo: number): StockMove => ({
  moveId,
  movedAt: moveId,
  delta,
  rowNo,
});

describe('stock never negative', () => {
  it('keeps a group that stays at or above zero', () => {
    expect(resolveStock([stored('a', 2), file('b', -1, 2), file('c', -1, 3)])).toEqual([]);
  });

  it('rejects the move where the stock runs out, not the earlier one', () => {
    // 1 in stock; two outgoing moves of 1: the second one leaves -1
    expect(resolveStock([stored('a', 1), file('b', -1, 2), file('c', -1, 3)])).toEqual([
      { rowNo: 3, moveId: 'c', balance: -1, later: null },
    ]);
  });

  it('rejects the file move that would push a later stored move below zero', () => {
    // stock 2; file takes 2 at b; stored move d takes 1 later → -1 at d; the file move is rejected
    expect(resolveStock([stored('a', 2), file('b', -2, 2), stored('d', -1)])).toEqual([
      { rowNo: 2, moveId: 'b', balance: -1, later: { moveId: 'd', movedAt: 'd' } },
    ]);
  });

  it('counts incoming file moves before deciding the outgoing ones', () => {
    expect(resolveStock([file('a', -3, 2), file('b', 5, 3)])).toEqual([
      { rowNo: 2, moveId: 'a', balance: -3, later: null },
    ]);
    expect(resolveStock([file('a', 5, 2), file('b', -3, 3), file('c', -3, 4), file('d', 1, 5)])).toEqual([
      { rowNo: 4, moveId: 'c', balance: -1, later: null },
    ]);
  });

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
