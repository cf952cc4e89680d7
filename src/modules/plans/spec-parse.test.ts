import { describe, expect, test } from 'vitest';
import { parseDistribution, parseIntegers, parseWeights } from './spec-parse.js';

describe('weights and distribution texts', () => {
  test.each([
    ['households', { method: 'households' }],
    ['last_year', { method: 'last_year' }],
    ['manual:C01=3,C02=1.5', { method: 'manual', values: { C01: '3', C02: '1.5' } }],
    [
      'blend:last_year=0.6,households=0.4',
      { method: 'blend', parts: { last_year: '0.6', households: '0.4' } },
    ],
  ])('%s', (text, want) => {
    expect(parseWeights(text)).toEqual({ ok: true, value: want });
  });
  test.each(['manual', 'manual:C01', 'manual:C01=-1', 'blend:manual=1', 'equal'])('rejects %s', (text) => {
    expect(parseWeights(text).ok).toBe(false);
  });
  test('distributions', () => {
    expect(parseDistribution('equal')).toEqual({ ok: true, value: { kind: 'equal' } });
    expect(parseDistribution('custom:10,10, 5')).toEqual({
      ok: true,
      value: { kind: 'custom', percents: ['10', '10', '5'] },
    });
    expect(parseDistribution('custom:10,x').ok).toBe(false);
    expect(parseDistribution('weekly').ok).toBe(false);
  });
  test('month values', () => {
    expect(parseIntegers('1,-2, 3')).toEqual({ ok: true, value: [1, -2, 3] });
    expect(parseIntegers('1.5,2').ok).toBe(false);
  });
});
