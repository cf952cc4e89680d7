import { describe, expect, it, test } from 'vitest';
import { AppError } from '../../core/errors.js';
import {
  countyWeights,
  monthWeights,
  percentWeights,
  quarters,
  reviseRemaining,
  splitByWeights,
  splitMonths,
  splitPlan,
} from './split.js';

const b = (xs: number[]) => xs.map((x) => BigInt(x));
const n = (xs: bigint[]) => xs.map((x) => Number(x));

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.message_en;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('split to counties (largest remainder)', () => {
  test.each([
    // 10 × [1,1,1]: floors 3,3,3, equal remainders → the lower county code gets the extra unit
    { metric: 'new_installs', total: 10, weights: [1, 1, 1], want: [4, 3, 3] },
    // 10 × [1,2,4]/7 = 1.43, 2.86, 5.71: floors 1,2,5; remainders 3,6,5 (/7) → C02, C03 get +1
    { metric: 'new_installs', total: 10, weights: [1, 2, 4], want: [1, 3, 6] },
    { metric: 'new_installs', total: 10, weights: [5, 3, 2], want: [5, 3, 2] },
    // a zero weight gets nothing
    { metric: 'new_installs', total: 7, weights: [0, 1, 1], want: [0, 4, 3] },
    // revenue in whole yuan: 1000 yuan / 3 = 333 r1 → 334, 333, 333 yuan (fen out)
    { metric: 'revenue', total: 100000, weights: [1, 1, 1], want: [33400, 33300, 33300] },
    // a declining net_adds line: split |−10| = 4,3,3 and negate
    { metric: 'net_adds', total: -10, weights: [1, 1, 1], want: [-4, -3, -3] },
    { metric: 'net_adds', total: 0, weights: [1, 1], want: [0, 0] },
  ] as const)('$metric $total by $weights → $want', ({ metric, total, weights, want }) => {
    expect(n(splitByWeights(metric, BigInt(total), b([...weights])))).toEqual(want);
  });

  it('rejects a revenue target that is not whole yuan', () => {
    expect(messageOf(() => splitByWeights('revenue', 100050n, [1n]))).toContain(
      'must be whole yuan: 1000.50',
    );
  });
  it('rejects a negative target for every metric but net_adds', () => {
    expect(messageOf(() => splitByWeights('new_installs', -5n, [1n]))).toContain(
      'only net_adds may be negative',
    );
    expect(messageOf(() => splitByWeights('revenue', -500n, [1n]))).toContain(
      'only net_adds may be negative',
    );
  });
  it('rejects all-zero weights', () => {
    expect(messageOf(() => splitByWeights('new_installs', 10n, [0n, 0n]))).toContain('all zero');
  });
});

describe('county weight methods', () => {
  const counties = ['C01', 'C02', 'C03'];
  it('manual weights: counties not named weigh 0; unknown counties are rejected', () => {
    const w = countyWeights({ method: 'manual', values: { C01: 3, C02: '1' } }, { counties });
    expect(n(splitByWeights('new_installs', 100n, w))).toEqual([75, 25, 0]);
    expect(messageOf(() => countyWeights({ method: 'manual', values: { C09: 1 } }, { counties }))).toContain(
      'Unknown county: C09',
    );
    expect(messageOf(() => countyWeights({ method: 'manual', values: { C01: 0 } }, { counties }))).toContain(
      'all zero',
    );
    expect(messageOf(() => countyWeights({ method: 'manual', values: { C01: -1 } }, { counties }))).toContain(
      'non-negative',
    );
  });
  it('households: a county without households is an error, not a zero', () => {
    expect(n(countyWeights({ method: 'households' }, { counties, households: b([10, 20, 30]) }))).toEqual([
      10, 20, 30,
    ]);
    expect(
      messageOf(() => countyWeights({ method: 'households' }, { counties, households: [1n, null, 2n] })),
    ).toContain('County C02 has no households');
  });
  it('last_year: all-zero and negative actuals are rejected', () => {
    expect(
      messageOf(() => countyWeights({ method: 'last_year' }, { counties, lastYear: b([0, 0, 0]) })),
    ).toContain('all zero');
    expect(
      messageOf(() => countyWeights({ method: 'last_year' }, { counties, lastYear: b([5, -1, 0]) })),
    ).toContain('County C02 has a negative');
  });
  it('blend mixes the normalised shares exactly', () => {
    // last year 1:2 → 1/3, 2/3; households 1:1 → 1/2, 1/2; 0.5/0.5 blend → 5/12, 7/12
    const w = countyWeights(
      { method: 'blend', parts: { last_year: '0.5', households: '0.5' } },
      { counties: ['C01', 'C02'], lastYear: b([1, 2]), households: b([1, 1]) },
    );
    expect(n(splitByWeights('new_installs', 24n, w))).toEqual([10, 14]);
    // 0.6 × (1/4, 3/4) + 0.4 × (1/2, 1/2) = 0.35, 0.65
    const w2 = countyWeights(
      { method: 'blend', parts: { last_year: 0.6, households: 0.4 } },
      { counties: ['C01', 'C02'], lastYear: b([100, 300]), households: b([7, 7]) },
    );
    expect(n(splitByWeights('revenue', 100000n, w2))).toEqual([35000, 65000]);
    // 60/40 means the same as 0.6/0.4
    const w3 = countyWeights(
      { method: 'blend', parts: { last_year: 60, households: 40 } },
      { counties: ['C01', 'C02'], lastYear: b([100, 300]), households: b([7, 7]) },
    );
    expect(n(splitByWeights('revenue', 100000n, w3))).toEqual([35000, 65000]);
  });
});

describe('split to months', () => {
  it('equal: 100 / 12 = 8 r4 → the first four months get 9', () => {
    expect(
      n(
        splitMonths(
          'new_installs',
          100n,
          monthWeights({ kind: 'equal' }, { metric: 'new_installs', annual: 100n }),
        ),
      ),
    ).toEqual([9, 9, 9, 9, 8, 8, 8, 8, 8, 8, 8, 8]);
  });
  it('revenue months in whole yuan: 1000 yuan / 12 = 83 r4', () => {
    expect(
      n(
        splitMonths(
          'revenue',
          100000n,
          Array.from({ length: 12 }, () => 1n),
        ),
      ),
    ).toEqual([8400, 8400, 8400, 8400, 8300, 8300, 8300, 8300, 8300, 8300, 8300, 8300]);
  });
  it('a negative net_adds county annual splits by magnitude', () => {
    expect(
      n(
        splitMonths(
          'net_adds',
          -14n,
          Array.from({ length: 12 }, () => 1n),
        ),
      ),
    ).toEqual([-2, -2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1]);
  });
  it('custom percentages must sum to 100 within 0.01, saying by how much', () => {
    const ok = [
      '8.333',
      '8.333',
      '8.334',
      '8.333',
      '8.333',
      '8.334',
      '8.333',
      '8.333',
      '8.334',
      '8.333',
      '8.333',
      '8.339',
    ];
    expect(percentWeights(ok)).toHaveLength(12); // sums to 100.005
    const short = [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 11.5]; // 99.5
    expect(messageOf(() => percentWeights(short))).toBe(
      'The monthly percentages sum to 99.5, 0.5 short of 100 (allowed difference 0.01)',
    );
    const over = [10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 3, 2.02]; // 100.02
    expect(messageOf(() => percentWeights(over))).toBe(
      'The monthly percentages sum to 100.02, 0.02 over 100 (allowed difference 0.01)',
    );
    expect(messageOf(() => percentWeights([100]))).toContain('needs 12 percentages, got 1');
    expect(messageOf(() => percentWeights([-10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]))).toContain(
      'non-negative',
    );
  });
  it('custom percentages are weights: 30% in January, 70% spread', () => {
    const w = percentWeights(['30', '10', '10', '10', '10', '10', '10', '5', '5', '0', '0', '0']);
    expect(n(splitMonths('new_installs', 50n, w))).toEqual([15, 5, 5, 5, 5, 5, 5, 3, 2, 0, 0, 0]);
  });
  it('--months values serve as the distribution for each county', () => {
    const values = [20, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0]; // sums to 120
    const w = monthWeights({ kind: 'months', values }, { metric: 'new_installs', annual: 120n });
    // 30 × w/120: 5, then 2.5 ×10 (floors 2, remainders equal → months 2..6 get +1), 0
    expect(n(splitMonths('new_installs', 30n, w))).toEqual([5, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 0]);
    expect(
      messageOf(() => monthWeights({ kind: 'months', values }, { metric: 'new_installs', annual: 121n })),
    ).toContain('sum to 120, -1 off the annual target 121');
  });
  it('last year seasonality: negative months are rejected', () => {
    expect(
      messageOf(() =>
        monthWeights(
          { kind: 'last_year' },
          { metric: 'net_adds', annual: 10n, lastYearMonths: b([1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) },
        ),
      ),
    ).toContain('month 2 is negative');
  });
  it('quarters are sums of months', () => {
    expect(n(quarters(b([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])))).toEqual([6, 15, 24, 33]);
  });
});

describe('whole plan and revision', () => {
  const plan = splitPlan({
    metric: 'new_installs',
    annual: 180n,
    counties: ['C01', 'C02'],
    countyWeights: [2n, 1n],
    monthWeights: Array.from({ length: 12 }, () => 1n),
  });
  it('splits city → counties → months summing exactly', () => {
    expect(plan.map((p) => [p.county, Number(p.annual), n(p.months)])).toEqual([
      ['C01', 120, Array(12).fill(10)],
      ['C02', 60, Array(12).fill(5)],
    ]);
  });
  it('revising the remaining months keeps the past months as published', () => {
    const r = reviseRemaining({
      metric: 'new_installs',
      annual: 240n,
      fromMonth: 7,
      previous: plan,
      countyWeights: [1n, 1n],
      monthWeights: Array.from({ length: 12 }, () => 1n),
    });
    // kept 60 + 30 = 90; remaining 150 → 75 each; 75 / 6 = 12 r3 → 13,13,13,12,12,12
    expect(r.map((p) => [p.county, Number(p.annual), n(p.months)])).toEqual([
      ['C01', 135, [10, 10, 10, 10, 10, 10, 13, 13, 13, 12, 12, 12]],
      ['C02', 105, [5, 5, 5, 5, 5, 5, 13, 13, 13, 12, 12, 12]],
    ]);
  });
  it('rejects a new annual below what the past months already planned', () => {
    expect(
      messageOf(() =>
        reviseRemaining({
          metric: 'new_installs',
          annual: 80n,
          fromMonth: 7,
          previous: plan,
          countyWeights: [1n, 1n],
          monthWeights: Array(12).fill(1n),
        }),
      ),
    ).toContain('below the 90 already planned');
  });
});
