import { describe, expect, it } from 'vitest';
import { limitLevel } from './limits.rules.js';

describe('adjustment limit alert level', () => {
  it.each([
    [0, null, 'none'],
    [5000, null, 'none'],
    [0, 10000, 'ok'],
    [7999, 10000, 'ok'],
    [8000, 10000, 'warning'],
    [10000, 10000, 'warning'],
    [10001, 10000, 'over'],
    [0, 0, 'ok'],
    [1, 0, 'over'],
    // 80% of 33 fen is 26.4: 26 is below it, 27 is past it
    [26, 33, 'ok'],
    [27, 33, 'warning'],
  ] as const)('total %i against limit %s is %s', (total, limit, level) => {
    expect(limitLevel(total, limit)).toBe(level);
  });
});
