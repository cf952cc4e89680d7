import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from './random.js';
import { generateDemoCity } from './generate-city.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-city-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function digests(seed: number): Promise<Record<string, string>> {
  const outDir = tmp();
  const r = await generateDemoCity({ subscribers: 1000, seed, outDir });
  return Object.fromEntries(
    r.files.map((f) => [f.dataset, createHash('sha256').update(fs.readFileSync(f.file)).digest('hex')]),
  );
}

describe('random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(sa);
  });

  it('draws integers within the inclusive bounds, all of them', () => {
    const r = createRng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe('demo city determinism', () => {
  it('writes byte-identical files for the same seed and size, different ones for another seed', async () => {
    const a = await digests(11);
    const b = await digests(11);
    const c = await digests(12);
    expect(Object.keys(a)).toHaveLength(16);
    expect(b).toEqual(a);
    for (const d of ['subscribers', 'orders', 'bills', 'payments', 'stock_moves'])
      expect(c[d]).not.toBe(a[d]);
    // reference data does not depend on the seed
    expect(c.counties).toBe(a.counties);
  });

  it('rejects a size that is not a positive integer, in both languages', async () => {
    await expect(generateDemoCity({ subscribers: 0, seed: 1, outDir: tmp() })).rejects.toMatchObject({
      message_zh: expect.stringContaining('用户数') as unknown,
      message_en: expect.stringContaining('subscribers') as unknown,
    });
  });
});
