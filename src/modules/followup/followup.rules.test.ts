import { describe, expect, it } from 'vitest';
import { assignmentSlots } from './followup.rules.js';

/** The rule itself: each item to whoever has the fewest open items at that moment, ties by username. */
function greedy(n: number, users: string[], open: Map<string, number>): string[] {
  const load = new Map(users.map((u) => [u, open.get(u) ?? 0]));
  const sorted = [...users].sort();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let best = sorted[0] as string;
    for (const u of sorted) if ((load.get(u) ?? 0) < (load.get(best) ?? 0)) best = u;
    out.push(best);
    load.set(best, (load.get(best) ?? 0) + 1);
  }
  return out;
}

/** What insertFresh's SQL does with the slots: each user's places load … level, in (place, user) order. */
function expand(n: number, users: string[], open: Map<string, number>): string[] {
  const s = assignmentSlots(n, users, open);
  if (s === null) return [];
  const places: [number, number, string][] = [];
  s.users.forEach((u, i) => {
    for (let l = u.load; l <= s.level; l++) places.push([l, i, u.username]);
  });
  places.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return places.slice(0, n).map((p) => p[2]);
}

describe('assignment slots', () => {
  it('hand out items as the fewest-open-items rule does, reaching no further place than needed', () => {
    const cases: [number, string[], [string, number][]][] = [
      [3, ['u_b', 'u_a'], []],
      [1, ['u_a'], [['u_a', 7]]],
      [
        5,
        ['a', 'b', 'c'],
        [
          ['a', 4],
          ['b', 0],
          ['c', 1],
        ],
      ],
      [
        2,
        ['a', 'b', 'c'],
        [
          ['a', 4],
          ['b', 0],
          ['c', 1],
        ],
      ],
      [100, ['x', 'y'], [['x', 30]]],
      [7, ['王', 'li', 'Zhao'], [['li', 2]]],
    ];
    for (const [n, users, open] of cases) {
      const m = new Map(open);
      expect(expand(n, users, m), `${n} ${users.join()}`).toEqual(greedy(n, users, m));
      const s = assignmentSlots(n, users, m);
      // one place fewer would not hold all the items
      const placesBelow = (s?.users ?? []).reduce((k, u) => k + Math.max(0, (s?.level ?? 0) - u.load), 0);
      expect(placesBelow).toBeLessThan(n);
    }
  });

  it('random loads and sizes agree with the rule', () => {
    let seed = 7;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    for (let t = 0; t < 200; t++) {
      const users = Array.from({ length: 1 + rnd(5) }, (_, i) => `u${i}`);
      const open = new Map(users.map((u) => [u, rnd(20)]));
      const n = 1 + rnd(60);
      expect(expand(n, users, open)).toEqual(greedy(n, users, open));
    }
  });

  it('nobody to assign to, or nothing to assign: no slots', () => {
    expect(assignmentSlots(5, [], new Map())).toBeNull();
    expect(assignmentSlots(0, ['a'], new Map())).toBeNull();
  });
});
