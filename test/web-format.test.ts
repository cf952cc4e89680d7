import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from '../web/src/lib/format.js';

describe('web formatting of timestamps', () => {
  it.each([
    ['2026-06-30 23:30:00+08', '2026-06-30 23:30'],
    ['2026-06-30T15:30:00Z', '2026-06-30 23:30'],
    ['2026-06-30 16:05:00.123+00', '2026-07-01 00:05'],
  ])('shows %s in Shanghai time as %s', (input, expected) => {
    expect(formatDateTime(input)).toBe(expected);
  });
  it('keeps plain dates as they are', () => {
    expect(formatDate('2024-02-29')).toBe('2024-02-29');
    expect(formatDate('2026-06-30T16:30:00Z')).toBe('2026-07-01');
  });
});
